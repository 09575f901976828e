/**
 * The kill switch's mechanism: every torrent socket (peer TCP, uTP, DHT UDP) is registered here
 * while open, and while any block holds no new one may be made and every registered one is
 * closed. The decisions (when to block, what to say) come from route-state.ts.
 */
export interface Closable {
  close(reason: string): void;
}

export class RouteGate {
  readonly #blocks = new Map<string, string>();
  readonly #open = new Set<Closable>();
  readonly #listeners = new Set<() => void>();

  get blocked(): boolean {
    return this.#blocks.size > 0;
  }

  /** Why traffic is stopped (the messages of every block, joined), or undefined. */
  get reason(): string | undefined {
    return this.#blocks.size ? [...this.#blocks.values()].join('; ') : undefined;
  }

  /** Stops torrent traffic for `source` (a proxy, a bound address) and closes every socket now. */
  block(source: string, message: string): void {
    const was = this.#blocks.get(source);
    this.#blocks.set(source, message);
    for (const c of [...this.#open]) {
      this.#open.delete(c);
      c.close(message);
    }
    if (was !== message) this.#changed();
  }

  unblock(source: string): void {
    if (this.#blocks.delete(source)) this.#changed();
  }

  /** Registers an open socket; the returned function forgets it (call it when it closes). */
  track(c: Closable): () => void {
    if (this.blocked) {
      c.close(this.reason!);
      return () => {};
    }
    this.#open.add(c);
    return () => this.#open.delete(c);
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves true once no block holds, false at the deadline or on abort. */
  waitOpen(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (!this.blocked) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (open: boolean): void => {
        clearTimeout(timer);
        off();
        signal?.removeEventListener('abort', onAbort);
        resolve(open);
      };
      const onAbort = (): void => done(false);
      const off = this.onChange(() => {
        if (!this.blocked) done(true);
      });
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #changed(): void {
    for (const l of [...this.#listeners]) l();
  }
}
