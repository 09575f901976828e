/**
 * Counts get_peers/announce_peer per source IP in a sliding window, for the crawler: honest
 * clients ask about a torrent a few times an hour, monitors hammer it.
 */
export const CRAWLER_WINDOW_MS = 10 * 60_000;
export const CRAWLER_MAX_QUERIES = 20;

export class QueryRate {
  readonly #hits = new Map<string, number[]>();
  constructor(readonly windowMs = CRAWLER_WINDOW_MS, readonly maxQueries = CRAWLER_MAX_QUERIES) {}

  /** Records one query at time `nowMs`; true when the IP just went over the limit. */
  hit(ip: string, nowMs: number): boolean {
    const times = (this.#hits.get(ip) ?? []).filter((t) => nowMs - t < this.windowMs);
    times.push(nowMs);
    this.#hits.set(ip, times);
    return times.length === this.maxQueries + 1;
  }

  count(ip: string, nowMs: number): number {
    return (this.#hits.get(ip) ?? []).filter((t) => nowMs - t < this.windowMs).length;
  }
}
