/**
 * The private lookup behind the PeerSource interface (docs/ARCHITECTURE.md, "The private lookup"): every
 * peer handed to the engine comes from nodes that were swept with decoys, vetted and probed first,
 * and the real infohash only ever goes to those nodes. Peers are ranked by how many independent
 * nodes vouch for them (peer-pool.ts, peer-choice.ts) and streamed to the engine as answers arrive.
 * Re-walks with new decoys and node IDs keep hunting while the torrent runs; a lookup that reaches
 * no node says so and retries (dht-reach.ts). docs/PRIVACY.md has the reasoning and error rates.
 */
import { EventEmitter } from 'node:events';
import type { EventBus } from '../events.js';
import { KrpcClient } from './krpc.js';
import type { UdpOpener } from '../route/udp-socket.js';
import { compareDistance, defaultRandomBytes, idFromHex, type RandomBytes } from './node-id.js';
import type { RankedPeer } from './peer-choice.js';
import { PeerPool, peerKey } from './peer-pool.js';
import { defaultResolveHost, resolveBootstrap, retryDelayMs, unreachableMessage, type ResolveHost } from './dht-reach.js';
import type { PeerAddress, PeerReportDetail, PeerSession, PeerSource, PeerVerdict } from './peer-source.js';
import { SpyWatch } from './spy-watch.js';
import { sweep, type SweepOptions, type SweepResult } from './sweep.js';
import type { CompactNode } from './compact.js';
import { NODE_BOOK_SEEDS, NodeBook } from './node-book.js';
import { readNodeBook, writeNodeBook } from './node-book-file.js';

export const MAX_PEERS = 20;
export const REWALK_INTERVAL_MS = 5 * 60_000;
/** needMore() starts a new lookup at most this often when no spare peer is left. */
export const RELOOKUP_MIN_GAP_MS = 10_000;
/** A peer reported slow this many times is treated as a suspect. */
export const SLOW_STRIKES = 3;
/** dht-nodes.json is written this long after a round ends (and at close), not after every round. */
export const NODE_BOOK_SAVE_DELAY_MS = 5_000;

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
  /** The route's UDP opener (src/route): the service always passes it; without it, a plain socket on bindAddress:dhtPort (tests). */
  openUdp?: UdpOpener | undefined;
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
  /** Nodes that answered our walks (this run and earlier ones) and the latest size estimate. */
  nodes: NodeBook;
  /** A sweep ended: remember who answered, forget spies, save the book. */
  learn(result: SweepResult, fresh: readonly string[]): void;
  /** Which of our torrents each peer (host:port) was returned for: a peer in many is ranked down. */
  peerLookups: Map<string, Set<string>>;
  sweepOptions(real: Buffer, askReal: boolean): Promise<SweepOptions & { unresolved: string[] }>;
}

/**
 * The nodes of a sweep worth starting the next walk from: they answered the decoy with a valid ID
 * and no values, and nothing in this sweep made them a spy or a suspect.
 */
export function answeredCleanly(result: SweepResult): CompactNode[] {
  const bad = distrustedHosts(result);
  return result.walk.responded.filter((n) => !n.values.length && !bad.has(n.host));
}

/** IPs a sweep found spies or suspects, or whose nodes its final vetting dropped. */
function distrustedHosts(result: SweepResult): Set<string> {
  return new Set([...result.findings.map((f) => f.ip), ...result.suspicions.map((s) => s.ip), ...result.dropped.map((d) => d.node.host)]);
}

/** Nodes closest to `target` first. */
function byDistance(target: Buffer, nodes: readonly CompactNode[]): CompactNode[] {
  return [...nodes].sort((a, b) => compareDistance(target, a.id, b.id));
}

class PrivateSession extends EventEmitter implements PeerSession {
  readonly #ctx: LookupContext;
  readonly #real: Buffer;
  readonly #pool: PeerPool;
  readonly #slow = new Map<string, number>();
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
    this.#pool = new PeerPool({
      infoHash,
      maxPeers: () => ctx.opts.maxPeers ?? MAX_PEERS,
      isBlocked: (ip) => this.#isBlocked(ip),
      random: ctx.opts.random ?? Math.random,
      peerLookups: ctx.peerLookups,
    });
    this.#timer = setInterval(() => void this.#rewalk(), ctx.opts.rewalkIntervalMs ?? REWALK_INTERVAL_MS);
    this.#timer.unref();
    setImmediate(() => this.#lookup());
  }

  get #now(): number {
    return (this.#ctx.opts.now ?? Date.now)();
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
        const from = peerKey(a.node);
        firstFrom ??= from;
        this.#pool.absorb(a.values, from);
        // Streamed: a peer several nodes vouch for goes to the engine at once; the rest wait for the round.
        this.#handNext(true);
      },
    });
    // What the walk taught (spies, nodes to start from) holds even if the torrent was removed meanwhile.
    const fresh = this.#ctx.watch.record(result.findings, this.infoHash);
    for (const s of result.suspicions) this.#ctx.watch.suspect(s.ip, s.port, s.reason, this.infoHash, s.evidence);
    if (result.walk.responded.length) this.#ctx.learn(result, fresh);
    if (this.#stopped) return;
    this.#dhtNodes = result.walk.responded.length;
    if (!result.walk.responded.length) return this.#noNodeAnswered(options.unresolved, result.walk.silent);
    this.#unreachable = 0;
    this.#dropSpies(fresh);
    // Peers handed on the word of nodes asked before the walk converged keep it only if the final
    // vetting kept those nodes too.
    const revoked = distrustedHosts(result);
    for (const r of this.#pool.revoke((voucher) => revoked.has(parseHostPort(voucher).host))) {
      this.#ctx.watch.audit({ kind: 'peer', ip: r.peer.host, port: r.peer.port, infoHash: this.infoHash, state: 'retired', reason: `lost its vouching: now ${r.why}` });
      this.emit('drop', r.peer, 'lost-vouching');
    }
    if (!askReal) return;
    this.#pool.setHolderRanks(byDistance(this.#real, answeredCleanly(result)).map(peerKey));
    if (firstFrom && result.answers.some((a) => a.values.length && peerKey(a.node) !== firstFrom)) this.#pool.markFirstResponder(firstFrom);
    this.#handNext(false);
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

  #handNext(streaming: boolean): void {
    if (this.#stopped) return;
    const { hand, retire } = this.#pool.next(streaming);
    for (const r of hand) this.#hand(r);
    // Single-node peers were a stopgap; once enough vouched peers exist they are dropped first.
    for (const r of retire) {
      this.#ctx.watch.audit({ kind: 'peer', ip: r.peer.host, port: r.peer.port, infoHash: this.infoHash, state: 'retired', reason: `${r.because}: ${r.why}` });
      this.emit('drop', r.peer, 'weakly-vouched');
    }
  }

  #handPending = false;

  #hand(r: RankedPeer): void {
    this.#ctx.watch.audit({ kind: 'peer', ip: r.peer.host, port: r.peer.port, infoHash: this.infoHash, state: 'chosen', tier: r.tier, reason: r.why });
    this.emit('peer', r.peer);
  }

  /** Spies found after their peers were handed out are disconnected now. */
  #dropSpies(ips: readonly string[]): void {
    for (const ip of ips) if (this.#pool.handedTo(ip)) this.emit('drop', { host: ip }, 'spy');
    this.#pool.pruneSpare();
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
    for (const r of this.#pool.fromSpare()) this.#hand(r);
    if (!this.#pool.spareLeft && this.#now - this.#lastLookup >= (this.#ctx.opts.relookupMinGapMs ?? RELOOKUP_MIN_GAP_MS)) this.#lookup();
  }

  report(peer: PeerAddress, verdict: PeerVerdict, detail: PeerReportDetail = {}): void {
    const key = peerKey(peer);
    const { watch } = this.#ctx;
    if (verdict === 'connected') {
      this.#pool.connected(peer);
      watch.audit({ kind: 'peer', ip: peer.host, port: peer.port, infoHash: this.infoHash, state: 'connected', ...(detail.transport ? { transport: detail.transport } : {}), ...(detail.encryption ? { encryption: detail.encryption } : {}) });
      return;
    }
    if (verdict === 'closed') {
      this.#pool.closed(peer);
      return this.#handSoon();
    }
    if (verdict === 'unreachable') {
      this.#pool.unreachable(peer, detail.givenUp ?? false);
      if (detail.givenUp) watch.audit({ kind: 'peer', ip: peer.host, port: peer.port, infoHash: this.infoHash, state: 'unreachable', reason: detail.reason ?? 'no answer' });
      // Its slot is free: hand the next peer now rather than at the end of the lookup (vouched
      // peers only, as while answers stream in; spares are ranked once a round ends).
      for (const r of this.#pool.fromSpare()) this.#hand(r);
      this.#handSoon();
      return;
    }
    if (verdict === 'slow') {
      const strikes = (this.#slow.get(key) ?? 0) + 1;
      this.#slow.set(key, strikes);
      if (strikes < SLOW_STRIKES) return;
    }
    // Once is enough: the engine reports its own blocks back as 'bad-data', which would loop.
    if (!this.#pool.condemn(peer)) return;
    watch.suspect(peer.host, peer.port, verdict, this.infoHash);
    this.emit('drop', peer, verdict);
    // The node that alone vouched for a peer caught by its behaviour loses our trust too: a quiet
    // watcher (answers only the real infohash) is found no other way.
    const sources = this.#pool.vouchersOf(peer);
    if (sources.length === 1) {
      const from = parseHostPort(sources[0]!);
      watch.suspect(from.host, from.port, 'bad-source', this.infoHash);
    }
    // A stand-in that failed makes room for the next one.
    this.#handSoon();
  }

  /** Once per turn however many peers failed in it: ranking is linear in the peers known. */
  #handSoon(): void {
    if (this.#handPending) return;
    this.#handPending = true;
    setImmediate(() => {
      this.#handPending = false;
      this.#handNext(true);
    });
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
    const nodes = new NodeBook();
    const storeDir = opts.storeDir;
    this.loaded = Promise.all([this.watch.load(), storeDir ? readNodeBook(storeDir).then((state) => nodes.restore(state)) : undefined]).then(([spies]) => spies);
    const bootstrap = opts.bootstrap.map(parseHostPort);
    const now = opts.now ?? Date.now;
    const isBad = (ip: string) => this.watch.registry.isActive(ip) || this.watch.registry.isSuspect(ip);
    const ctx: LookupContext = {
      opts,
      watch: this.watch,
      nodes,
      learn: (result, fresh) => {
        nodes.forgetSilent(result.walk.silent);
        nodes.learn(answeredCleanly(result), now());
        if (result.walk.converged) nodes.networkSize = result.networkSize;
        for (const ip of fresh) nodes.forget(ip);
        for (const s of result.suspicions) nodes.forget(s.ip);
        if (storeDir) this.#saveSoon(storeDir);
      },
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
          // Remembered nodes nearest the target: the walk starts a few hops closer than the routers.
          // Chosen here, locally; they are asked the walk's decoy like any node the walk meets.
          seeds: nodes.closest(real, NODE_BOOK_SEEDS, { now: now(), exclude: isBad }),
          ...(nodes.networkSize ? { knownNetworkSize: nodes.networkSize } : {}),
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

  /** What a sweep made outside a session (findspiesonly) teaches the next walks. */
  learn(result: SweepResult, fresh: readonly string[]): void {
    this.#ctx.learn(result, fresh);
  }

  #saving: Promise<void> = Promise.resolve();
  #saveTimer: NodeJS.Timeout | undefined;

  /** At most one write of dht-nodes.json per SAVE_DELAY_MS however many rounds end meanwhile. */
  #saveSoon(storeDir: string): void {
    if (this.#saveTimer) return;
    this.#saveTimer = setTimeout(() => this.#save(storeDir), NODE_BOOK_SAVE_DELAY_MS);
    this.#saveTimer.unref();
  }

  #save(storeDir: string): Promise<void> {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    const state = this.#ctx.nodes.state();
    this.#saving = this.#saving
      .then(() => writeNodeBook(storeDir, state))
      .catch((err: Error) => this.#opts.bus?.emit('warning', { message: `could not save the DHT nodes to ${storeDir}: ${err.message}; the next start walks from the routers` }));
    return this.#saving;
  }

  krpc(): Promise<KrpcClient> {
    this.#krpc ??= (this.#opts.openKrpc ?? (() => KrpcClient.open({
      openSocket: this.#opts.openUdp,
      bindAddress: this.#opts.bindAddress,
      port: this.#opts.dhtPort ?? 0,
      freerider: this.#opts.freerider ?? true,
      ...(this.#opts.krpcTimeoutMs ? { timeoutMs: this.#opts.krpcTimeoutMs } : {}),
      adaptiveTimeouts: this.#opts.adaptiveTimeouts ?? true,
      ...(this.#opts.randomBytes ? { randomBytes: this.#opts.randomBytes } : {}),
      onWarning: (message, kind) => this.#opts.bus?.emit('warning', { message, kind }),
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
    if (this.#saveTimer && this.#opts.storeDir) await this.#save(this.#opts.storeDir);
    await this.#saving;
    if (this.#krpc) await (await this.#krpc).close();
  }
}

export type { PrivateSession };
