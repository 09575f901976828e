/**
 * Round-trip times to DHT nodes, for timeouts that follow the network instead of one fixed wait
 * (RFC 6298's smoothed RTT and variance). A node we never heard from gets the estimate over all
 * nodes; a walk then stops waiting for a silent node after a few RTTs rather than after 2 s.
 */
export const RTT_MIN_TIMEOUT_MS = 200;
/** Nodes remembered individually; the oldest are forgotten past this. */
export const RTT_MAX_NODES = 4_096;

interface Estimate {
  srtt: number;
  rttvar: number;
}

function update(e: Estimate | undefined, sampleMs: number): Estimate {
  if (!e) return { srtt: sampleMs, rttvar: sampleMs / 2 };
  const rttvar = 0.75 * e.rttvar + 0.25 * Math.abs(e.srtt - sampleMs);
  return { srtt: 0.875 * e.srtt + 0.125 * sampleMs, rttvar };
}

export class RttEstimator {
  #all: Estimate | undefined;
  readonly #nodes = new Map<string, Estimate>();

  constructor(readonly maxTimeoutMs: number, readonly minTimeoutMs = RTT_MIN_TIMEOUT_MS) {}

  record(node: string, sampleMs: number): void {
    this.#all = update(this.#all, sampleMs);
    const next = update(this.#nodes.get(node), sampleMs);
    this.#nodes.delete(node);
    this.#nodes.set(node, next);
    if (this.#nodes.size > RTT_MAX_NODES) this.#nodes.delete(this.#nodes.keys().next().value!);
  }

  /** How long to wait for `node`: srtt + 4 rttvar (its own if known), within [min, max]. */
  timeoutFor(node: string): number {
    const e = this.#nodes.get(node) ?? this.#all;
    if (!e) return this.maxTimeoutMs;
    const t = Math.max(2 * e.srtt, e.srtt + 4 * e.rttvar);
    return Math.min(this.maxTimeoutMs, Math.max(this.minTimeoutMs, Math.round(t)));
  }

  /** The smoothed RTT over all nodes, or undefined before the first answer. */
  get smoothedMs(): number | undefined {
    return this.#all?.srtt;
  }
}
