/**
 * How many more bytes may be asked of peers before the store's disk is full. Pure accounting: the
 * caller samples the free space (statfs) and says how many bytes are already promised (asked for
 * or received but not yet written); every new piece takes its length from what is left, so no
 * byte is requested that has no room to land, and the download stops *before* ENOSPC rather than
 * after (a piece that cannot be written was downloaded for nothing).
 *
 * A small reserve stays free for everything else (the library, metadata, other programs), and a
 * full budget reopens only once a sample shows `resumeBytes` available, so a disk hovering at the
 * edge does not pause and resume the download every second.
 */

export interface SpaceBudgetOptions {
  /** Left free on the disk, never budgeted. */
  reserveBytes: number;
  /** Free space above the reserve (and above what is promised) needed to reopen a full budget. */
  resumeBytes: number;
}

export class SpaceBudget {
  readonly reserveBytes: number;
  readonly resumeBytes: number;
  #available = 0;
  #full = false;
  #lastFree: number | undefined;

  constructor(opts: SpaceBudgetOptions) {
    this.reserveBytes = opts.reserveBytes;
    this.resumeBytes = opts.resumeBytes;
  }

  /** No more requests until a sample shows room again. */
  get full(): boolean {
    return this.#full;
  }

  /** Bytes that may still be promised. */
  get available(): number {
    return this.#full ? 0 : this.#available;
  }

  /** Free bytes on the disk at the last sample (undefined before the first). */
  get lastFree(): number | undefined {
    return this.#lastFree;
  }

  /**
   * A fresh reading: `freeBytes` on the disk now, of which `promisedBytes` will be taken by data
   * already asked for or held in memory. Returns true when a full budget reopened.
   */
  sample(freeBytes: number, promisedBytes: number): boolean {
    this.#lastFree = freeBytes;
    this.#available = Math.max(0, freeBytes - this.reserveBytes - promisedBytes);
    if (this.#full && this.#available >= this.resumeBytes) {
      this.#full = false;
      return true;
    }
    return false;
  }

  /** Promises `bytes` if they fit; otherwise the budget is full until a sample reopens it. */
  take(bytes: number): boolean {
    if (this.#full) return false;
    if (bytes > this.#available) {
      this.#full = true;
      return false;
    }
    this.#available -= bytes;
    return true;
  }

  /** A write failed for lack of space (something else filled the disk): stop at once. */
  noSpace(): void {
    this.#full = true;
    this.#available = 0;
  }
}
