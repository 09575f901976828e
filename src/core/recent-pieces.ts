/**
 * The last verified pieces, kept in memory after their write: a stream reading at the download's
 * edge (the usual case at full speed) is served from here rather than reading back what was just
 * written, which costs a trip through the thread pool, a copy out of the page cache and, through the
 * chunk store, another copy per 64 KiB read. Bounded in bytes; an evicted buffer is handed back
 * (the picker gives it to the next piece), so the cache adds no allocation of its own.
 */

/** Held at most; a piece larger than this is never held. */
export const RECENT_PIECE_BYTES = 4 * 1024 * 1024;

export class RecentPieces {
  readonly #maxBytes: number;
  readonly #release: (data: Buffer) => void;
  /** Insertion order is age: the first entry is evicted first. */
  #pieces = new Map<number, Buffer>();
  #bytes = 0;

  constructor(maxBytes: number, release: (data: Buffer) => void) {
    this.#maxBytes = maxBytes;
    this.#release = release;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** A verified piece whose bytes must not change from now on (until it is released). */
  add(piece: number, data: Buffer): void {
    if (this.#pieces.get(piece) === data) return;
    if (data.length > this.#maxBytes) return this.#release(data);
    this.#drop(piece);
    this.#pieces.set(piece, data);
    this.#bytes += data.length;
    for (const [oldest] of this.#pieces) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#drop(oldest);
    }
  }

  /** A copy of the range (the buffer carries another piece once evicted), or undefined if not held. */
  read(piece: number, offset: number, length: number): Buffer | undefined {
    const data = this.#pieces.get(piece);
    if (!data || offset < 0 || length < 0 || offset + length > data.length) return undefined;
    return Buffer.from(data.subarray(offset, offset + length));
  }

  clear(): void {
    for (const piece of [...this.#pieces.keys()]) this.#drop(piece);
  }

  #drop(piece: number): void {
    const data = this.#pieces.get(piece);
    if (!data) return;
    this.#pieces.delete(piece);
    this.#bytes -= data.length;
    this.#release(data);
  }
}
