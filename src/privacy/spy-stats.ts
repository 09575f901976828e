/**
 * The numbers the user sees of the private lookup: spies discovered this run, spies active now,
 * everything blocked (active spies and suspects), a sampled history for the privacy chart, and
 * per torrent how many addresses were kept away from it. Built from the event bus and the spy
 * registry, so the progress line, /api/spies and the web remote agree.
 */
import type { AppEvent, EventBus } from '../events.js';

export interface SpyCounts {
  active(): number;
  suspects(): number;
}

export interface SpySample {
  time: string;
  discovered: number;
  active: number;
}

export interface SpyReport {
  discovered: number;
  active: number;
  blocked: number;
  history: SpySample[];
  spies: Array<{ ip: string; reason: string; port?: number; infoHash?: string; time: string }>;
}

export const SPY_SAMPLE_INTERVAL_MS = 10_000;
export const SPY_HISTORY_SAMPLES = 360;
export const SPY_LIST_MAX = 500;

export class SpyStats {
  readonly #counts: SpyCounts;
  readonly #now: () => number;
  readonly #discovered = new Set<string>();
  readonly #perTorrent = new Map<string, Set<string>>();
  readonly #recent: SpyReport['spies'] = [];
  readonly #history: SpySample[] = [];
  readonly #unsubscribe: () => void;
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(opts: { bus: EventBus; counts: SpyCounts; now?: () => number; sampleIntervalMs?: number | null }) {
    this.#counts = opts.counts;
    this.#now = opts.now ?? Date.now;
    this.#unsubscribe = opts.bus.subscribe((e) => this.#observe(e));
    this.sample();
    if (opts.sampleIntervalMs !== null) {
      this.#timer = setInterval(() => this.sample(), opts.sampleIntervalMs ?? SPY_SAMPLE_INTERVAL_MS);
      this.#timer.unref();
    }
  }

  #observe(e: AppEvent): void {
    if (e.event === 'spy') {
      this.#discovered.add(e.ip);
      if (e.infoHash) this.#blockedFor(e.infoHash).add(e.ip);
      this.#recent.push({ ip: e.ip, reason: e.reason, ...(e.port !== undefined ? { port: e.port } : {}), ...(e.infoHash ? { infoHash: e.infoHash } : {}), time: e.time });
      if (this.#recent.length > SPY_LIST_MAX) this.#recent.splice(0, this.#recent.length - SPY_LIST_MAX);
    } else if (e.event === 'peer' && e.state === 'dropped' && e.reason !== 'closed') {
      this.#blockedFor(e.infoHash).add(e.ip);
    }
  }

  #blockedFor(infoHash: string): Set<string> {
    let set = this.#perTorrent.get(infoHash);
    if (!set) this.#perTorrent.set(infoHash, (set = new Set()));
    return set;
  }

  /** Addresses kept away from or dropped by this torrent. */
  spiesBlocked(infoHash: string): number {
    return this.#perTorrent.get(infoHash)?.size ?? 0;
  }

  sample(): void {
    this.#history.push({ time: new Date(this.#now()).toISOString(), discovered: this.#discovered.size, active: this.#counts.active() });
    if (this.#history.length > SPY_HISTORY_SAMPLES) this.#history.shift();
  }

  report(): SpyReport {
    const active = this.#counts.active();
    return {
      discovered: this.#discovered.size,
      active,
      blocked: active + this.#counts.suspects(),
      history: [...this.#history, { time: new Date(this.#now()).toISOString(), discovered: this.#discovered.size, active }],
      spies: [...this.#recent],
    };
  }

  close(): void {
    clearInterval(this.#timer);
    this.#unsubscribe();
  }
}
