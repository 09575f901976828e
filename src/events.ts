import { summaryMessage, WarningThrottle } from './warning-throttle.js';

/**
 * The event map shared by NDJSON output (`--json`), Server-Sent Events (`/api/events`) and the
 * progress line. Field names are a contract (docs/ARCHITECTURE.md): add fields, never rename them.
 */
export interface EventMap {
  ready: { url: string };
  /** `fileCount`: how many files the torrent has; over SSE `files` holds the first SSE_METADATA_FILES only. */
  metadata: { infoHash: string; name: string; files: Array<{ index: number; name: string; length: number; url: string }>; fileCount?: number };
  progress: { infoHash: string; downloaded: number; length: number; speed: number; peers: number; timeLeft: number | null };
  spy: { ip: string; port?: number; reason: string; infoHash?: string };
  peer: { ip: string; port: number; infoHash: string; state: 'connected' | 'dropped'; reason?: string; transport?: 'tcp' | 'utp'; encryption?: 'rc4' | 'plaintext' };
  done: { infoHash: string };
  cast: { device: string; state: string; reason?: string };
  transcode: { infoHash: string; fileIndex: number; device: string; startSeconds: number; action: string; container: string; video: string; audio: string; reason: string };
  /** A torrent stopped requesting: 'disk full' (resumes when space returns), 'store not writable', 'write failed'. */
  paused: { infoHash: string; reason: string; message: string };
  resumed: { infoHash: string };
  error: { message: string; code?: string };
  /**
   * How torrent traffic leaves (--proxy, --bind, --bind-interface): at start and on every change.
   * `blocked`: nothing is sent (proxy down, bound address gone); `message` says why.
   */
  route: { route: 'direct' | 'proxy' | 'bound'; label: string; blocked: boolean; message?: string };
  /**
   * `kind` groups warnings for rate limiting (default: the code and message); `suppressed` is set
   * on a summary line: how many of that kind were held back in the window.
   */
  warning: { message: string; code?: string; kind?: string; suppressed?: number };
}

export type EventName = keyof EventMap;

export type AppEvent = { [K in EventName]: { event: K; time: string } & EventMap[K] }[EventName];

/** A listener threw: reported, never passed on to the emitter or the other listeners. */
export type ListenerFailure = (err: unknown, event: AppEvent) => void;

const reportToStderr: ListenerFailure = (err, event) => {
  process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'event listener failed', event: event.event, error: err instanceof Error ? err.message : String(err) })}\n`);
};

/** Warnings of one kind beyond the first within this window are counted into one summary line. */
export const WARNING_WINDOW_MS = 10_000;
/** Marks a throttle key made from the code and message, not given as `kind`. */
const IMPLICIT_KIND = '\u0000';

export interface EventBusOptions {
  onListenerFailure?: ListenerFailure;
  /** The warning rate limit's window (0: every warning goes out). */
  warningWindowMs?: number;
  now?: () => number;
}

/** A typed listener registry; NDJSON and SSE subscribe to the same bus. */
export class EventBus {
  #listeners = new Set<(event: AppEvent) => void>();
  #onListenerFailure: ListenerFailure;
  #throttle: WarningThrottle | undefined;
  #now: () => number;
  #flushTimer: NodeJS.Timeout | undefined;

  constructor(opts: EventBusOptions = {}) {
    this.#onListenerFailure = opts.onListenerFailure ?? reportToStderr;
    const windowMs = opts.warningWindowMs ?? WARNING_WINDOW_MS;
    this.#throttle = windowMs > 0 ? new WarningThrottle(windowMs) : undefined;
    this.#now = opts.now ?? Date.now;
  }

  /**
   * Every listener sees every event: one that throws (a closed SSE socket, a bug in a view) must
   * not keep the others from it, nor throw into the engine or the lookup that emitted. Warnings
   * are rate-limited per kind (warning-throttle.ts).
   */
  emit<K extends EventName>(name: K, payload: EventMap[K], now: () => Date = () => new Date()): void {
    if (name === 'warning' && this.#throttle) {
      const w = payload as EventMap['warning'];
      // Without a kind, only the very same warning counts as "like it".
      if (!this.#throttle.admit(w.kind ?? `${IMPLICIT_KIND}${w.code ?? ''}\n${w.message}`, w.message, w.code, this.#now())) return this.#scheduleSummaries();
    }
    this.#deliver(name, payload, now);
  }

  /** Summaries go out when their window ends, even if the flood stopped (one timer at a time, unref'd). */
  #scheduleSummaries(): void {
    const throttle = this.#throttle;
    const due = throttle?.nextDue();
    if (!throttle || due === undefined || this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      for (const s of throttle.flush(this.#now())) {
        const kind = s.kind.startsWith(IMPLICIT_KIND) ? {} : { kind: s.kind };
        this.#deliver('warning', { message: summaryMessage(s), ...kind, suppressed: s.suppressed, ...(s.code ? { code: s.code } : {}) });
      }
      this.#scheduleSummaries();
    }, Math.max(0, due - this.#now()));
    this.#flushTimer.unref();
  }

  #deliver<K extends EventName>(name: K, payload: EventMap[K], now: () => Date = () => new Date()): void {
    const event = { event: name, time: now().toISOString(), ...payload } as AppEvent;
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#onListenerFailure(err, event);
      }
    }
  }

  subscribe(listener: (event: AppEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
