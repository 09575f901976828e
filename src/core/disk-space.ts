/**
 * The store disk's free space, shared by every torrent on it: sampled with statfs at start and
 * then every `pollMs`, turned into a budget (space-budget.ts) each new piece must fit in before it
 * is requested. When the budget is spent (or a write hits ENOSPC) the torrents pause; the next
 * samples notice when space returns (a file deleted, a disk grown) and they resume by themselves.
 */
import fs from 'node:fs/promises';
import { SpaceBudget } from './space-budget.js';

/** What a downloader asks before requesting a new piece, and tells after a failed write. */
export interface SpaceGate {
  /** Promises `bytes` of the disk; false: the disk is full (pause). */
  take(bytes: number): boolean;
  /** A write failed with ENOSPC/EDQUOT. */
  noSpace(): void;
  readonly full: boolean;
}

/** The gate, plus a way for each torrent to say how many bytes it has promised but not written. */
export interface SharedSpace extends SpaceGate {
  register(promisedBytes: () => number): () => void;
}

export type StatFs = (dir: string) => Promise<{ bavail: number; bsize: number }>;

export interface DiskSpaceOptions {
  /** A folder on the disk to watch (the downloads folder). */
  dir: string;
  reserveBytes: number;
  resumeBytes: number;
  pollMs: number;
  statfs?: StatFs;
  /** statfs itself failed: the budget is off and only write errors pause. */
  onWarning?: (message: string) => void;
}

export class DiskSpace implements SharedSpace {
  readonly #budget: SpaceBudget;
  readonly #opts: DiskSpaceOptions;
  readonly #statfs: StatFs;
  readonly #promised = new Set<() => number>();
  #timer: NodeJS.Timeout | undefined;
  #sampling: Promise<void> | undefined;
  /** statfs does not work here: no budget, only ENOSPC pauses. */
  #blind = false;

  private constructor(opts: DiskSpaceOptions) {
    this.#opts = opts;
    this.#statfs = opts.statfs ?? ((dir) => fs.statfs(dir));
    this.#budget = new SpaceBudget({ reserveBytes: opts.reserveBytes, resumeBytes: opts.resumeBytes });
  }

  /** Samples once before anything is requested, then keeps sampling until close(). */
  static async open(opts: DiskSpaceOptions): Promise<DiskSpace> {
    const space = new DiskSpace(opts);
    await space.sample();
    space.#timer = setInterval(() => void space.sample(), opts.pollMs);
    space.#timer.unref();
    return space;
  }

  get full(): boolean {
    return this.#budget.full;
  }

  /** Free bytes at the last sample, for messages. */
  get freeBytes(): number | undefined {
    return this.#budget.lastFree;
  }

  take(bytes: number): boolean {
    return this.#blind ? true : this.#budget.take(bytes);
  }

  noSpace(): void {
    this.#budget.noSpace();
  }

  register(promisedBytes: () => number): () => void {
    this.#promised.add(promisedBytes);
    return () => this.#promised.delete(promisedBytes);
  }

  /** One statfs reading (one at a time: a slow disk must not pile them up). */
  sample(): Promise<void> {
    this.#sampling ??= this.#sampleOnce().finally(() => (this.#sampling = undefined));
    return this.#sampling;
  }

  async #sampleOnce(): Promise<void> {
    let free: number;
    try {
      const s = await this.#statfs(this.#opts.dir);
      free = s.bavail * s.bsize;
    } catch (err) {
      if (!this.#blind) this.#opts.onWarning?.(`cannot read the free space of ${this.#opts.dir} (${(err as Error).message}); downloads pause only when a write fails`);
      this.#blind = true;
      // A failed write still pauses; with no reading, a full budget reopens on the next try.
      this.#budget.sample(Number.MAX_SAFE_INTEGER, 0);
      return;
    }
    this.#blind = false;
    let promised = 0;
    for (const f of this.#promised) promised += f();
    this.#budget.sample(free, promised);
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
