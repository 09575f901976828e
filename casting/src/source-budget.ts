/**
 * How often one source address may make us send something (an SSDP answer, a description fetch).
 * UDP sources can be forged: without a budget, one small datagram per second from a spoofed
 * address turns this host into a reflector aimed at that address. A token bucket per source,
 * with a bounded number of sources remembered (the least recently seen is forgotten first).
 */
export interface SourceBudgetOptions {
  /** Sends allowed at once from a quiet source. */
  burst: number;
  /** Tokens a source earns back each second. */
  refillPerSecond: number;
  /** Sources remembered; a flood of forged addresses cannot grow memory past this. */
  maxSources: number;
  now?: () => number;
}

export class SourceBudget {
  #opts: SourceBudgetOptions;
  #buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(opts: SourceBudgetOptions) {
    this.#opts = opts;
  }

  /** Spends `cost` tokens of this source's budget; false (and nothing spent) when it has too few. */
  take(source: string, cost = 1): boolean {
    const now = (this.#opts.now ?? Date.now)();
    const previous = this.#buckets.get(source);
    const refilled = previous ? Math.min(this.#opts.burst, previous.tokens + ((now - previous.atMs) / 1000) * this.#opts.refillPerSecond) : this.#opts.burst;
    this.#buckets.delete(source);
    const allowed = refilled >= cost;
    this.#buckets.set(source, { tokens: allowed ? refilled - cost : refilled, atMs: now });
    if (this.#buckets.size > this.#opts.maxSources) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
    return allowed;
  }
}
