/**
 * The private lookup behind the PeerSource interface (docs/ARCHITECTURE.md, "The private lookup"): every
 * peer handed to the engine comes from nodes that were swept with decoys, vetted and probed first,
 * and the real infohash only ever goes to those nodes. Re-walks with new decoys and node IDs keep
 * hunting while the torrent runs.
 */
import { EventEmitter } from 'node:events';
import type { EventBus } from '../events.js';
import { KrpcClient } from './krpc.js';
import { defaultRandomBytes, idFromHex, type RandomBytes } from './node-id.js';
import { choosePeers, type PeerOffer } from './peer-choice.js';
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
  sweepOptions(real: Buffer, askReal: boolean): Promise<SweepOptions>;
}

/** The next walk starts from the closest nodes the last one found. */
function rememberClosest(ctx: LookupContext, closest: readonly CompactNode[]): void {
  ctx.seeds.splice(0, ctx.seeds.length, ...closest.map((n) => ({ id: n.id, host: n.host, port: n.port })));
}

class PrivateSession extends EventEmitter implements PeerSession {
  readonly #ctx: LookupContext;
  readonly #real: Buffer;
  readonly #handed = new Map<string, PeerAddress>();
  readonly #connected = new Set<string>();
  readonly #sourceOf = new Map<string, Set<string>>();
  readonly #slow = new Map<string, number>();
  readonly #condemned = new Set<string>();
  #spare: PeerAddress[] = [];
  #running: Promise<void> | null = null;
  #lastLookup = -Infinity;
  #stopped = false;
  #timer: NodeJS.Timeout;

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

  #lookup(): void {
    if (this.#stopped || this.#running) return;
    this.#lastLookup = this.#now;
    this.#running = this.#round(true)
      .catch((err: Error) => this.#ctx.opts.bus?.emit('warning', { message: `private lookup for ${this.infoHash}: ${err.message}` }))
      .finally(() => (this.#running = null));
  }

  async #round(askReal: boolean): Promise<void> {
    const result = await sweep(await this.#ctx.sweepOptions(this.#real, askReal));
    if (this.#stopped) return;
    rememberClosest(this.#ctx, result.walk.closest);
    const fresh = this.#ctx.watch.record(result.findings, this.infoHash);
    this.#dropSpies(fresh);
    if (!askReal) return;
    const offers: PeerOffer[] = result.answers.flatMap((a) => a.values.map((peer) => ({ peer, from: `${a.node.host}:${a.node.port}` })));
    for (const o of offers) {
      const k = `${o.peer.host}:${o.peer.port}`;
      this.#sourceOf.set(k, (this.#sourceOf.get(k) ?? new Set()).add(o.from));
    }
    const choice = choosePeers(offers, {
      maxPeers: Math.max(0, this.#maxPeers() - this.#connected.size),
      isBlocked: (ip) => this.#isBlocked(ip),
      exclude: new Set(this.#handed.keys()),
      random: this.#ctx.opts.random ?? Math.random,
    });
    this.#spare = choice.spare;
    for (const peer of choice.chosen) this.#hand(peer);
  }

  #hand(peer: PeerAddress): void {
    if (this.#stopped) return;
    this.#handed.set(`${peer.host}:${peer.port}`, peer);
    this.emit('peer', peer);
  }

  /** Spies found after their peers were handed out are disconnected now. */
  #dropSpies(ips: readonly string[]): void {
    for (const ip of ips) {
      const handed = [...this.#handed.values()].some((p) => p.host === ip);
      if (handed) this.emit('drop', { host: ip }, 'spy');
    }
    this.#spare = this.#spare.filter((p) => !this.#isBlocked(p.host));
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
    while (this.#spare.length && want > 0 && this.#handed.size - this.#connected.size < want) {
      const peer = this.#spare.shift()!;
      if (!this.#isBlocked(peer.host)) this.#hand(peer);
    }
    if (!this.#spare.length && this.#now - this.#lastLookup >= (this.#ctx.opts.relookupMinGapMs ?? RELOOKUP_MIN_GAP_MS)) this.#lookup();
  }

  report(peer: PeerAddress, verdict: PeerVerdict): void {
    const key = `${peer.host}:${peer.port}`;
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
    const sources = [...(this.#sourceOf.get(key) ?? [])];
    if (sources.length === 1) {
      const from = parseHostPort(sources[0]!);
      watch.suspect(from.host, from.port, 'bad-source', this.infoHash);
    }
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
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
      krpc: () => this.krpc(),
      sweepOptions: async (real, askReal) => {
        await this.loaded;
        const krpc = await this.krpc();
        const self = krpc.address();
        return {
          krpc,
          real,
          bootstrap,
          seeds: [...ctx.seeds],
          randomBytes: opts.randomBytes ?? defaultRandomBytes,
          askReal,
          dnsbl: opts.dnsbl,
          ...(opts.probeDecoys !== undefined ? { probeDecoys: opts.probeDecoys } : {}),
          ...(opts.sybilMarginBits !== undefined ? { sybilMarginBits: opts.sybilMarginBits } : {}),
          isKnownSpy: (ip) => this.watch.registry.isActive(ip),
          isSuspect: (ip) => this.watch.registry.isSuspect(ip),
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
