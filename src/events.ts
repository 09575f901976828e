/**
 * The event map shared by NDJSON output (`--json`), Server-Sent Events (`/api/events`) and the
 * progress line. Field names are a contract (docs/ARCHITECTURE.md): add fields, never rename them.
 */
export interface EventMap {
  ready: { url: string };
  metadata: { infoHash: string; name: string; files: Array<{ index: number; name: string; length: number; url: string }> };
  progress: { infoHash: string; downloaded: number; length: number; speed: number; peers: number; timeLeft: number | null };
  spy: { ip: string; port?: number; reason: string; infoHash?: string };
  peer: { ip: string; port: number; infoHash: string; state: 'connected' | 'dropped'; reason?: string };
  done: { infoHash: string };
  cast: { device: string; state: string; reason?: string };
  transcode: { infoHash: string; fileIndex: number; device: string; startSeconds: number; action: string; container: string; video: string; audio: string; reason: string };
  /** A torrent stopped requesting: 'disk full' (resumes when space returns), 'store not writable', 'write failed'. */
  paused: { infoHash: string; reason: string; message: string };
  resumed: { infoHash: string };
  error: { message: string; code?: string };
  warning: { message: string; code?: string };
}

export type EventName = keyof EventMap;

export type AppEvent = { [K in EventName]: { event: K; time: string } & EventMap[K] }[EventName];

/** A listener threw: reported, never passed on to the emitter or the other listeners. */
export type ListenerFailure = (err: unknown, event: AppEvent) => void;

const reportToStderr: ListenerFailure = (err, event) => {
  process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'event listener failed', event: event.event, error: err instanceof Error ? err.message : String(err) })}\n`);
};

/** A typed listener registry; NDJSON and SSE subscribe to the same bus. */
export class EventBus {
  #listeners = new Set<(event: AppEvent) => void>();
  #onListenerFailure: ListenerFailure;

  constructor(opts: { onListenerFailure?: ListenerFailure } = {}) {
    this.#onListenerFailure = opts.onListenerFailure ?? reportToStderr;
  }

  /**
   * Every listener sees every event: one that throws (a closed SSE socket, a bug in a view) must
   * not keep the others from it, nor throw into the engine or the lookup that emitted.
   */
  emit<K extends EventName>(name: K, payload: EventMap[K], now: () => Date = () => new Date()): void {
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
