/**
 * What the client knows about spies: each IP with its reasons, ports, first and last sighting.
 * Spies age out when re-tests stop catching them, except multi-port ones (one IP behind many
 * ports and node IDs is never an accident). Suspects from peer behaviour are kept apart: they
 * are never handed out again, but they are not published as spies.
 */
export type SpyReason = 'decoy-values' | 'decoy-peer' | 'sybil' | 'multi-port' | 'dnsbl' | 'bep42' | 'crawler' | 'loaded';
export type SuspectReason = 'no-pieces' | 'slow' | 'bad-data' | 'protocol-violation' | 'bad-source' | 'close-id' | 'two-addresses';

export interface SpyRecord {
  ip: string;
  ports: Set<number>;
  reasons: Set<SpyReason>;
  /** The decoy that caught it, to re-test the same question later. */
  decoy?: string;
  firstSeenMs: number;
  lastSeenMs: number;
}

/** A spy not caught again for this long is no longer considered active. */
export const SPY_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export class SpyRegistry {
  readonly #spies = new Map<string, SpyRecord>();
  readonly #suspects = new Map<string, Set<SuspectReason>>();
  readonly #now: () => number;
  readonly #maxAgeMs: number;

  constructor(opts: { now?: () => number; maxAgeMs?: number } = {}) {
    this.#now = opts.now ?? Date.now;
    this.#maxAgeMs = opts.maxAgeMs ?? SPY_MAX_AGE_MS;
  }

  /** Records a sighting; returns true when the IP was not an active spy before. */
  add(ip: string, reason: SpyReason, detail: { port?: number | undefined; decoy?: string | undefined } = {}): boolean {
    const now = this.#now();
    const existing = this.#spies.get(ip);
    const wasActive = existing ? this.isActive(ip) : false;
    const record = existing ?? { ip, ports: new Set<number>(), reasons: new Set<SpyReason>(), firstSeenMs: now, lastSeenMs: now };
    record.reasons.add(reason);
    record.lastSeenMs = now;
    if (detail.port !== undefined) record.ports.add(detail.port);
    if (detail.decoy) record.decoy = detail.decoy;
    this.#spies.set(ip, record);
    return !wasActive;
  }

  /** A re-test caught it again. */
  touch(ip: string): void {
    const r = this.#spies.get(ip);
    if (r) r.lastSeenMs = this.#now();
  }

  isPermanent(ip: string): boolean {
    const r = this.#spies.get(ip);
    return !!r && r.reasons.has('multi-port');
  }

  isActive(ip: string): boolean {
    const r = this.#spies.get(ip);
    if (!r) return false;
    return this.isPermanent(ip) || this.#now() - r.lastSeenMs < this.#maxAgeMs;
  }

  /** Removes spies not seen for maxAgeMs; returns the IPs aged out. */
  ageOut(): string[] {
    const gone: string[] = [];
    for (const ip of [...this.#spies.keys()]) {
      if (!this.isActive(ip)) {
        this.#spies.delete(ip);
        gone.push(ip);
      }
    }
    return gone;
  }

  get(ip: string): SpyRecord | undefined {
    return this.#spies.get(ip);
  }

  active(): SpyRecord[] {
    return [...this.#spies.values()].filter((r) => this.isActive(r.ip));
  }

  suspect(ip: string, reason: SuspectReason): boolean {
    const reasons = this.#suspects.get(ip) ?? new Set<SuspectReason>();
    const fresh = reasons.size === 0;
    reasons.add(reason);
    this.#suspects.set(ip, reasons);
    return fresh;
  }

  suspectReasons(ip: string): ReadonlySet<SuspectReason> {
    return this.#suspects.get(ip) ?? new Set();
  }

  isSuspect(ip: string): boolean {
    return this.#suspects.has(ip);
  }

  suspects(): Array<{ ip: string; reasons: SuspectReason[] }> {
    return [...this.#suspects].map(([ip, reasons]) => ({ ip, reasons: [...reasons] }));
  }
}
