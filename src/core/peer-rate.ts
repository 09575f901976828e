/**
 * What one peer delivers, measured, and what that says about it: how many requests to keep in
 * flight (a few times its bandwidth-delay product, in the spirit of libtorrent's
 * request_queue_time, grown by slow start while its rate still climbs), when a request to it is lost, and when the peer is snubbing us.
 * Pure: the clock is passed in on every call.
 */
import { BLOCK_BYTES } from './blocks.js';

/**
 * Requests kept in flight cover this many round trips of the peer's own rate (its bandwidth-delay
 * product with room to grow: while the queue limits the rate, a bigger rate asks for a bigger
 * queue), and never less than QUEUE_FLOOR_MS of it (jitter, and a loopback RTT near zero).
 */
export const QUEUE_RTTS = 3;
export const QUEUE_FLOOR_MS = 50;
export const MIN_QUEUE_BLOCKS = 4;
export const INITIAL_QUEUE_BLOCKS = 32;
/** Slow start stops once answers take this much longer than the fastest one: the pipe is full. */
export const SLOW_START_EXIT_DELAY_MS = 20;
/** 32 MiB: 300 MB/s at 100 ms. Only a peer that fast ever gets there. */
export const MAX_QUEUE_BLOCKS = 2_000;
/** Nothing from a peer with requests outstanding for this long (at least) and it is snubbing us. */
export const MIN_SNUB_MS = 2_000;
/** A single request is lost after this long at least, however fast the peer's answers usually come. */
export const MIN_REQUEST_TIMEOUT_MS = 3_000;
const RATE_WINDOW_MS = 1_000;
/**
 * The window is counted in buckets: a sample per block (3,000 a second at 50 MB/s) in an array
 * shifted as it ages cost several microseconds a block.
 */
const BUCKET_MS = 50;
const BUCKETS = RATE_WINDOW_MS / BUCKET_MS + 1;

export class PeerRate {
  /** Bytes per BUCKET_MS slot of the clock, and which slot (clock / BUCKET_MS) each one holds. */
  #bucketBytes = new Float64Array(BUCKETS);
  #bucketAt = new Float64Array(BUCKETS).fill(-Infinity);
  /** Smoothed request-to-block time, queueing at the peer included. */
  #latencyMs: number | null = null;
  /** Fastest answer seen: the round trip without queueing at the peer. */
  #minLatencyMs = Infinity;
  #slowStart = true;
  #slowStartDepth = INITIAL_QUEUE_BLOCKS;
  #lastRate = 0;
  #lastRateAt = 0;
  totalBytes = 0;

  onBlock(now: number, bytes: number, latencyMs: number): void {
    this.totalBytes += bytes;
    const b = Math.floor(now / BUCKET_MS);
    const slot = b % BUCKETS;
    if (this.#bucketAt[slot] !== b) {
      this.#bucketAt[slot] = b;
      this.#bucketBytes[slot] = 0;
    }
    this.#bucketBytes[slot] = this.#bucketBytes[slot]! + bytes;
    this.#latencyMs = this.#latencyMs === null ? latencyMs : this.#latencyMs * 0.875 + latencyMs * 0.125;
    this.#minLatencyMs = Math.min(this.#minLatencyMs, latencyMs);
    // Queueing delay says the link is full before the rate does (it lags a window behind).
    if (this.#slowStart && latencyMs > Math.max(2 * this.#minLatencyMs, this.#minLatencyMs + SLOW_START_EXIT_DELAY_MS)) this.#slowStart = false;
    if (this.#slowStart) this.#slowStartDepth = Math.min(MAX_QUEUE_BLOCKS, this.#slowStartDepth + 1);
    if (now - this.#lastRateAt >= RATE_WINDOW_MS) {
      const rate = this.rate(now);
      // Slow start ends when a full window brought no real gain: the pipe is full.
      if (this.#lastRateAt > 0 && rate < this.#lastRate * 1.1) this.#slowStart = false;
      this.#lastRate = rate;
      this.#lastRateAt = now;
    }
  }

  /** A snub or a choke: the peer's pipe is not what we thought; grow again from the bottom. */
  restart(): void {
    this.#slowStart = true;
    this.#slowStartDepth = MIN_QUEUE_BLOCKS;
    this.#lastRateAt = 0;
  }

  /** Bytes per second over the last window (its whole buckets and the current one, however far in). */
  rate(now: number): number {
    const current = Math.floor(now / BUCKET_MS);
    let bytes = 0;
    for (let i = 0; i < BUCKETS; i++) {
      const at = this.#bucketAt[i]!;
      if (at <= current && at > current - BUCKETS) bytes += this.#bucketBytes[i]!;
    }
    return bytes / ((RATE_WINDOW_MS + now - current * BUCKET_MS) / 1000);
  }

  latencyMs(): number | null {
    return this.#latencyMs;
  }

  /** Requests to keep in flight: the rate times the queue time, in blocks; slow start while climbing. */
  queueDepth(now: number): number {
    const queueMs = Math.max(QUEUE_FLOOR_MS, QUEUE_RTTS * (Number.isFinite(this.#minLatencyMs) ? this.#minLatencyMs : 0));
    const byRate = Math.ceil((this.rate(now) * queueMs) / 1000 / BLOCK_BYTES);
    const depth = Math.max(byRate, this.#slowStart ? this.#slowStartDepth : MIN_QUEUE_BLOCKS);
    return Math.min(MAX_QUEUE_BLOCKS, Math.max(MIN_QUEUE_BLOCKS, depth));
  }

  /** Silence (no block at all while requests wait) longer than this means the peer snubs us. */
  snubAfterMs(): number {
    return Math.max(MIN_SNUB_MS, 3 * (this.#latencyMs ?? 0));
  }

  /** One request unanswered this long, while the peer answers others, is lost. */
  requestTimeoutMs(): number {
    return Math.max(MIN_REQUEST_TIMEOUT_MS, 4 * (this.#latencyMs ?? 0));
  }

  /** When a block asked of this peer now should arrive, given what is already queued at it. */
  expectedArrivalMs(now: number, queuedBlocks: number): number {
    const rate = this.rate(now);
    const latency = this.#latencyMs ?? 1_000;
    if (rate <= 0) return latency + 1_000;
    return Math.min(latency, 500) + ((queuedBlocks + 1) * BLOCK_BYTES * 1000) / rate;
  }
}
