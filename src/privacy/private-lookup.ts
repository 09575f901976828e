/**
 * The private lookup behind the PeerSource interface (DESIGN.md, "The private lookup"): every
 * peer handed to the engine comes from nodes that were swept with decoys, vetted and probed first,
 * and the real infohash only ever goes to those nodes. Re-walks with new decoys and node IDs keep
 * hunting while the torrent runs.
 */
import { EventEmitter } from 'node:events';
import type { EventBus } from '../events.js';
import { KrpcClient } from './krpc.js';
import { defaultRandomBytes, idFromHex, type RandomBytes } from './node-id.js';
import { choosePeers, isVouched, MIN_VOUCHED_PEERS, type PeerEvidence, type RankedPeer } from './peer-choice.js';
import { defaultResolveHost, resolveBootstrap, retryDelayMs, unreachableMessage, type ResolveHost } from './dht-reach.js';
import type { PeerAddress, PeerSession, PeerSource, PeerVerdict } from './peer-source.js';
import { SpyWatch } from './spy-watch.js';
import { sweep, type SweepOptions } from './sweep.js';
import type { CompactNode } from './compact.js';

export const MAX_PEERS = 20;
export const REWALK_INTERVAL_MS = 5 * 60_000;
/** needMore() starts a new lookup at most this often when no spare peer is left. */
export const RELOOKUP_MIN_GAP_MS = 10_000;
/** A peer reported slow this many times is treated as a suspect. */
export const SLOW_STRIKES = 3;

export interface PrivateLookupOptions {
  /** host:port of DHT routers or nodes. */
  bootstrap: readonly string[];
  bindAddress?: string | undefined;
  dhtPort?: number;
  freerider?: boolean;
  maxPeers?: number;
  /** Where spies.txt, spies.p2p and audit.ndjson live; nothing is written without it. */
  storeDir?: string | undefined;
  bus?: EventBus | undefined;
  isBlocklisted?: (ip: string) => boolean;
  /** Resolves whether an IP is DNSBL-listed; undefined turns the check off. */
  dnsbl?: ((ip: string) => Promise<boolean>) | undefined;
  rewalkIntervalMs?: number;
  relookupMinGapMs?: number;
  probeDecoys?: number;
  sybilMarginBits?: number;
  krpcTimeoutMs?: number;
  now?: () => number;
  random?: () => number;
  randomBytes?: RandomBytes;
  /** Resolves bootstrap host names (default: the system resolver). */
  resolveHost?: ResolveHost;
  /** Wait a few measured RTTs for each KRPC reply instead of krpcTimeoutMs (default on). */
  adaptiveTimeouts?: boolean;
  /** Socket factory: an open KRPC client (default: a UDP socket on bindAddress:dhtPort). */
  openKrpc?: () => Promise<KrpcClient>;
}

export function parseHostPort(s: string): PeerAddress {
  const i = s.lastIndexOf(':');
  const port = Number(s.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new RangeError(`expected HOST:PORT, got "${s}"`);
  return { host: s.slice(0, i).replace(/^\[|\]$/g, ''), port };
}

/** What sessions share: one KRPC client, one spy watch, the nodes learnt so far. */
export interface LookupContext {
  opts: PrivateLookupOptions;
  watch: SpyWatch;
  krpc(): Promise<KrpcClient>;
  seeds: CompactNode[];
  /** The latest converged walk's network size estimate (0 before the first). */
  networkSize: number;
  /** Which of our torrents each peer (host:port) was returned for: a peer in many is ranked down. */
  peerLookups: Map<string, Set<string>>;
  sweepOptions(real: Buffer, askReal: boolean): Promise<SweepOptions & { unresolved: string[] }>;
}

/** Peers remembered across torrents for the cross-lookup count; the oldest are forgotten past this. */
export const PEER_LOOKUPS_MAX = 50_000;

/** The next walk starts from the closest nodes the last one found. */
function rememberClosest(ctx: LookupContext, closest: readonly CompactNode[]): void {
  ctx.seeds.splice(0, ctx.seeds.length, ...closest.map((n) => ({ id: n.id, host: n.host, port: n.port })));
}

interface Evidence {
  peer: PeerAddress;
  vouchers: Set<string>;
  /** Some lookup's first values-answer named it alone while others answered too. */
  firstOnly: boolean;
}

const keyOf = (p: PeerAddress) => `${p.host}:${p.port}`;

class PrivateSession extends EventEmitter implements PeerSession {
  readonly #ctx: LookupContext;
  readonly #real: Buffer;
  readonly #handed = new Map<string, RankedPeer>();
  readonly #connected = new Set<string>();
  readonly #evidence = new Map<string, Evidence>();
  readonly #slow = new Map<string, number>();
  readonly #condemned = new Set<string>();
  #spare: RankedPeer[] = [];
  #running: Promise<void> | null = null;
  #lastLookup = -Infinity;
  #stopped = false;
  #timer: NodeJS.Timeout;
  #retry: NodeJS.Timeout | undefined;
  #unreachable = 0;
  #dhtNodes = 0;

  constructor(ctx: LookupContext, readonly infoHash: string) {
    super();
    this.#ctx = ctx;
    this.#real = idFromHex(infoHash);
    this.#timer = setInterval(() => void this.#rewalk(), ctx.opts.rewalkIntervalMs ?? REWALK_INTERVAL_MS);
    this.#timer.unref();
    setImmediate(() => this.#lookup());
  }

  get #now(): number {
    return (this.#ctx.opts.now ?? Date.now)();
  }

  #maxPeers(): number {
    return this.#ctx.opts.maxPeers ?? MAX_PEERS;
  }

  #isBlocked(ip: string): boolean {
    const { watch, opts } = this.#ctx;
    return watch.registry.isActive(ip) || watch.registry.isSuspect(ip) || !!opts.isBlocklisted?.(ip);
  }

  dhtNodes(): number {
    return this.#dhtNodes;
  }

  #lookup(): void {
    if (this.#stopped || this.#running) return;
    this.#lastLookup = this.#now;
    this.#running = this.#round(true)
      .catch((err: Error) => this.#ctx.opts.bus?.emit('warning', { message: `private lookup for ${this.infoHash}: ${err.message}` }))
      .finally(() => (this.#running = null));
  }

  async #round(askReal: boolean): Promise<void> {
    let firstFrom: string | undefined;
    const options = await this.#ctx.sweepOptions(this.#real, askReal);
    const result = await sweep({
      ...options,
      onAnswer: (a) => {
        if (this.#stopped || !a.values.length) return;
        const from = keyOf(a.node);
        firstFrom ??= from;
        this.#absorb(a.values, from);
        // Streamed: a peer several nodes vouch for goes to the engine at once; the rest wait for the round.
        this.#handBest(true);
      },
    });
    if (this.#stopped) return;
    this.#dhtNodes = result.walk.responded.length;
    if (!result.walk.responded.length) return this.#noNodeAnswered(options.unresolved, result.walk.silent);
    this.#unreachable = 0;
    rememberClosest(this.#ctx, result.walk.closest);
    if (result.walk.converged) this.#ctx.networkSize = result.networkSize;
    const fresh = this.#ctx.watch.record(result.findings, this.infoHash);
    for (const s of result.suspicions) this.#ctx.watch.suspect(s.ip, s.port, s.reason, this.infoHash, s.evidence);
    this.#dropSpies(fresh);
    if (!askReal) return;
    // Only the first node to answer named these peers, while others answered too: ranked down.
    const othersAnswered = result.answers.some((a) => a.values.length && keyOf(a.node) !== firstFrom);
    if (firstFrom && othersAnswered) {
      for (const e of this.#evidence.values()) if (e.vouchers.size === 1 && e.vouchers.has(firstFrom)) e.firstOnly = true;
    }
    this.#handBest(false);
  }

  /** Reached no node: say what was tried (within seconds, not never) and retry with a growing pause. */
  #noNodeAnswered(unresolved: readonly string[], silent: ReadonlyArray<PeerAddress & { why: string }>): void {
    this.#unreachable++;
    const delay = retryDelayMs(this.#unreachable);
    this.#ctx.opts.bus?.emit('warning', { message: unreachableMessage({ unresolved, silent, retryInMs: delay }), code: 'E_NO_PEERS' });
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      this.#lastLookup = -Infinity;
      this.#lookup();
    }, delay);
    this.#retry.unref();
  }

  #absorb(values: readonly PeerAddress[], from: string): void {
    const lookups = this.#ctx.peerLookups;
    for (const peer of values) {
      const k = keyOf(peer);
      const e = this.#evidence.get(k) ?? { peer: { host: peer.host, port: peer.port }, vouchers: new Set<string>(), firstOnly: false };
      e.vouchers.add(from);
      this.#evidence.set(k, e);
      const seenFor = lookups.get(k) ?? new Set<string>();
      lookups.delete(k);
      lookups.set(k, seenFor.add(this.infoHash));
      if (lookups.size > PEER_LOOKUPS_MAX) lookups.delete(lookups.keys().next().value!);
    }
  }

  #evidenceList(): PeerEvidence[] {
    return [...this.#evidence.values()].map((e) => ({
      peer: e.peer,
      vouchers: e.vouchers,
      // Only vetted nodes that answered every probe decoy cleanly are ever asked the real question.
      probedVouchers: e.vouchers.size,
      firstResponderOnly: e.firstOnly,
      otherLookups: (this.#ctx.peerLookups.get(keyOf(e.peer))?.size ?? 1) - 1,
    }));
  }

  #vouchedInUse(): number {
    return [...this.#handed].filter(([k, r]) => isVouched(r) && !this.#condemned.has(k)).length;
  }

  /**
   * Hands the best peers the engine has room for. While answers stream in, only vouched peers
   * go; at the end of a round single-node peers go too, but only when fewer than
   * MIN_VOUCHED_PEERS vouched ones exist, and connected single-node peers make room for them.
   */
  #handBest(streaming: boolean): void {
    const choice = choosePeers(this.#evidenceList(), {
      maxPeers: Math.max(0, this.#maxPeers() - this.#connected.size - this.#pending()),
      isBlocked: (ip) => this.#isBlocked(ip),
      exclude: new Set([...this.#handed.keys(), ...this.#condemned]),
      vouchedInUse: this.#vouchedInUse(),
      random: this.#ctx.opts.random ?? Math.random,
    });
    for (const r of choice.chosen) if (!streaming || isVouched(r)) this.#hand(r);
    if (streaming) return;
    this.#spare = choice.spare;
    if (choice.held.length || this.#vouchedInUse() >= MIN_VOUCHED_PEERS) this.#retireUnvouched();
  }

  /** Handed but not yet connected or refused: counted so streamed answers do not overfill the swarm. */
  #pending(): number {
    return [...this.#handed.keys()].filter((k) => !this.#connected.has(k) && !this.#condemned.has(k)).length;
  }

  /** Single-node peers were a stopgap; once enough vouched peers exist they are dropped first. */
  #retireUnvouched(): void {
    if (this.#vouchedInUse() < MIN_VOUCHED_PEERS) return;
    for (const [k, r] of this.#handed) {
      if (isVouched(r) || this.#condemned.has(k)) continue;
      this.#condemned.add(k);
      this.#connected.delete(k);
      this.#ctx.watch.audit({ kind: 'peer', ip: r.peer.host, port: r.peer.port, infoHash: this.infoHash, state: 'retired', reason: `replaced by vouched peers: ${r.why}` });
      this.emit('drop', r.peer, 'weakly-vouched');
    }
  }

  #hand(r: RankedPeer): void {
    if (this.#stopped) return;
    this.#handed.set(keyOf(r.peer), r);
    this.#ctx.watch.audit({ kind: 'peer', ip: r.peer.host, port: r.peer.port, infoHash: this.infoHash, state: 'chosen', tier: r.tier, reason: r.why });
    this.emit('peer', r.peer);
  }

  /** Spies found after their peers were handed out are disconnected now. */
  #dropSpies(ips: readonly string[]): void {
    for (const ip of ips) {
      const handed = [...this.#handed.values()].some((r) => r.peer.host === ip);
      if (handed) this.emit('drop', { host: ip }, 'spy');
    }
    this.#spare = this.#spare.filter((r) => !this.#isBlocked(r.peer.host));
  }

  async #rewalk(): Promise<void> {
    if (this.#stopped || this.#running) return;
    this.#running = (async () => {
      await this.#round(false);
      await this.#ctx.watch.retest(await this.#ctx.krpc(), this.#ctx.opts.randomBytes ?? defaultRandomBytes);
    })()
      .catch((err: Error) => this.#ctx.opts.bus?.emit('warning', { message: `re-walk for ${this.infoHash}: ${err.message}` }))
      .finally(() => (this.#running = null));
    await this.#running;
  }

  /** Runs one re-walk now (tests and the CLI's "hunt now" use this instead of waiting). */
  rewalkNow(): Promise<void> {
    return this.#running ? this.#running.then(() => this.#rewalk()) : this.#rewalk();
  }

  /** Resolves when the current lookup (if any) has finished. */
  idle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  needMore(): void {
    if (this.#stopped) return;
    const want = this.#maxPeers() - this.#connected.size;
    while (this.#spare.length && want > 0 && this.#pending() < want) {
      const r = this.#spare.shift()!;
      if (!this.#isBlocked(r.peer.host) && !this.#handed.has(keyOf(r.peer))) this.#hand(r);
    }
    if (!this.#spare.length && this.#now - this.#lastLookup >= (this.#ctx.opts.relookupMinGapMs ?? RELOOKUP_MIN_GAP_MS)) this.#lookup();
  }

  report(peer: PeerAddress, verdict: PeerVerdict): void {
    const key = keyOf(peer);
    const { watch } = this.#ctx;
    if (verdict === 'connected') {
      this.#connected.add(key);
      watch.audit({ kind: 'peer', ip: peer.host, port: peer.port, infoHash: this.infoHash, state: 'connected' });
      return;
    }
    if (verdict === 'closed') {
      this.#connected.delete(key);
      return;
    }
    if (verdict === 'slow') {
      const strikes = (this.#slow.get(key) ?? 0) + 1;
      this.#slow.set(key, strikes);
      if (strikes < SLOW_STRIKES) return;
    }
    const reason = verdict === 'slow' ? 'slow' : verdict;
    this.#connected.delete(key);
    // Once is enough: the engine reports its own blocks back as 'bad-data', which would loop.
    if (this.#condemned.has(key)) return;
    this.#condemned.add(key);
    watch.suspect(peer.host, peer.port, reason, this.infoHash);
    this.emit('drop', peer, reason);
    // The node(s) that vouched for a peer caught by its behaviour lose our trust too: a spy node
    // that only answers the real infohash is found no other way.
    const sources = [...(this.#evidence.get(key)?.vouchers ?? [])];
    if (sources.length === 1) {
      const from = parseHostPort(sources[0]!);
      watch.suspect(from.host, from.port, 'bad-source', this.infoHash);
    }
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#retry);
  }
}

export class PrivateLookupPeerSource implements PeerSource {
  readonly watch: SpyWatch;
  readonly #opts: PrivateLookupOptions;
  readonly #sessions = new Set<PrivateSession>();
  readonly #ctx: LookupContext;
  #krpc: Promise<KrpcClient> | undefined;
  /** Spies from earlier runs (spies.txt), loaded once; every walk waits for it. */
  readonly loaded: Promise<number>;

  constructor(opts: PrivateLookupOptions) {
    this.#opts = opts;
    this.watch = new SpyWatch({ storeDir: opts.storeDir, bus: opts.bus, ...(opts.now ? { now: opts.now } : {}) });
    this.loaded = this.watch.load();
    const bootstrap = opts.bootstrap.map(parseHostPort);
    const ctx: LookupContext = {
      opts,
      watch: this.watch,
      seeds: [],
      networkSize: 0,
      peerLookups: new Map(),
      krpc: () => this.krpc(),
      sweepOptions: async (real, askReal) => {
        await this.loaded;
        const krpc = await this.krpc();
        const self = krpc.address();
        const resolved = await resolveBootstrap(bootstrap, opts.resolveHost ?? defaultResolveHost);
        return {
          krpc,
          real,
          bootstrap: resolved.nodes,
          unresolved: resolved.unresolved,
          seeds: [...ctx.seeds],
          ...(ctx.networkSize ? { knownNetworkSize: ctx.networkSize } : {}),
          randomBytes: opts.randomBytes ?? defaultRandomBytes,
          askReal,
          dnsbl: opts.dnsbl,
          ...(opts.probeDecoys !== undefined ? { probeDecoys: opts.probeDecoys } : {}),
          ...(opts.sybilMarginBits !== undefined ? { sybilMarginBits: opts.sybilMarginBits } : {}),
          isKnownSpy: (ip) => this.watch.registry.isActive(ip),
          isSuspect: (ip) => this.watch.registry.isSuspect(ip),
          weakSignals: (ip) => this.watch.registry.suspectReasons(ip),
          ...(opts.isBlocklisted ? { isBlocklisted: opts.isBlocklisted } : {}),
          skip: (a) => a.port === self.port && (a.host === self.host || self.host === '0.0.0.0'),
        };
      },
    };
    this.#ctx = ctx;
  }

  /** What a sweep for `real` needs (socket, seeds, spy checks); findspiesonly sweeps with it too. */
  sweepOptions(real: Buffer, askReal: boolean): Promise<SweepOptions> {
    return this.#ctx.sweepOptions(real, askReal);
  }

  rememberClosest(closest: readonly CompactNode[]): void {
    rememberClosest(this.#ctx, closest);
  }

  krpc(): Promise<KrpcClient> {
    this.#krpc ??= (this.#opts.openKrpc ?? (() => KrpcClient.open({
      bindAddress: this.#opts.bindAddress,
      port: this.#opts.dhtPort ?? 0,
      freerider: this.#opts.freerider ?? true,
      ...(this.#opts.krpcTimeoutMs ? { timeoutMs: this.#opts.krpcTimeoutMs } : {}),
      adaptiveTimeouts: this.#opts.adaptiveTimeouts ?? true,
      ...(this.#opts.randomBytes ? { randomBytes: this.#opts.randomBytes } : {}),
      onWarning: (message) => this.#opts.bus?.emit('warning', { message }),
    })))();
    return this.#krpc;
  }

  start(infoHash: string): PrivateSession {
    const session = new PrivateSession(this.#ctx, infoHash.toLowerCase());
    this.#sessions.add(session);
    return session;
  }

  async close(): Promise<void> {
    for (const s of this.#sessions) s.stop();
    await Promise.all([...this.#sessions].map((s) => s.idle()));
    this.#sessions.clear();
    await this.watch.flush();
    if (this.#krpc) await (await this.#krpc).close();
  }
}

export type { PrivateSession };
