/**
 * The write side of the downloader: the store's disk is a limit like any other. A new piece is
 * requested only once the disk budget (disk-space.ts) has promised room for it; a verified piece
 * whose write fails is held in memory and never requested again (its picker entry stays
 * 'verifying'); either way requests pause, and they resume once the held pieces are written
 * (retried when the budget reopens, or every HELD_RETRY_MS for other failures).
 */
import type { SpaceGate } from './disk-space.js';
import { describeFsError, isNoSpace, isNotWritable } from './fs-errors.js';
import type { PickerPeer } from './piece-picker.js';
import type { PieceStore } from './piece-store.js';

/** While paused, how often writing the pieces held in memory is tried again. */
export const HELD_RETRY_MS = 1_000;

/** Why requests stopped: each resumes by itself once the store takes data again. */
export type PauseReason = 'disk full' | 'store not writable' | 'write failed';

export function pauseReasonOf(err: unknown): PauseReason {
  return isNoSpace(err) ? 'disk full' : isNotWritable(err) ? 'store not writable' : 'write failed';
}

export interface PieceWriterOptions {
  store: Pick<PieceStore, 'put'>;
  pieceLengthOf(piece: number): number;
  /** A held piece's bytes (the picker's buffer), or undefined if it is gone. */
  heldData(piece: number): Buffer | undefined;
  space?: SpaceGate | undefined;
  now(): number;
  /** A held piece reached the disk at last. */
  onWritten(piece: number, data: Buffer): void;
  onPause?(reason: PauseReason, detail: string): void;
  onResume?(): void;
  /** A failure that is not a full disk (once per pause). */
  onError(message: string): void;
}

export class PieceWriter {
  #opts: PieceWriterOptions;
  #paused: PauseReason | null = null;
  /** Pieces the disk budget has room for, until they are written. */
  #promised = new Set<number>();
  /** Verified pieces whose write failed, waiting in memory. */
  #held = new Set<number>();
  #retrying = false;
  #lastRetryAt = 0;
  #stopped = false;

  constructor(opts: PieceWriterOptions) {
    this.#opts = opts;
  }

  get paused(): PauseReason | null {
    return this.#paused;
  }

  /** Bytes promised to the disk and not yet written (asked for, arriving, or held). */
  promisedBytes(): number {
    let bytes = 0;
    for (const p of this.#promised) bytes += this.#opts.pieceLengthOf(p);
    return bytes;
  }

  /** Will this piece arrive without anything new being requested (it is on its way)? */
  isUnderway(piece: number): boolean {
    return this.#promised.has(piece) && !this.#held.has(piece);
  }

  /** What a peer may be asked for: while paused, only pieces already on their way. */
  restrict(peer: PickerPeer): PickerPeer {
    return this.#paused ? { key: peer.key, has: (i) => peer.has(i) && this.isUnderway(i) } : peer;
  }

  /** Room on the disk for a whole piece, asked once, before its first block is requested. */
  promise(piece: number): boolean {
    if (this.#promised.has(piece)) return true;
    if (this.#opts.space && !this.#opts.space.take(this.#opts.pieceLengthOf(piece))) return false;
    this.#promised.add(piece);
    return true;
  }

  /** The budget refused a piece: pause until it reopens. */
  outOfRoom(): void {
    this.#pause('disk full', 'no room is left on the store disk beyond its reserve');
  }

  /** Writes a verified piece; false: it is held in memory and requests are paused. */
  async write(piece: number, data: Buffer): Promise<boolean> {
    try {
      await this.#opts.store.put(piece, data);
    } catch (err) {
      if (this.#stopped) return false;
      this.#held.add(piece);
      if (isNoSpace(err)) this.#opts.space?.noSpace();
      const reason = pauseReasonOf(err);
      const detail = `writing piece ${piece}: ${describeFsError(err, 'the store')}`;
      // A full disk is a state (the pause says it); anything else is a failure worth an error, once.
      if (reason !== 'disk full' && this.#paused !== reason) this.#opts.onError(detail);
      this.#pause(reason, detail);
      return false;
    }
    this.#promised.delete(piece);
    return true;
  }

  /** Called on the downloader's tick: while paused, retries the held pieces when it may. */
  tick(now: number): void {
    if (!this.#paused || this.#retrying || this.#opts.space?.full || now - this.#lastRetryAt < HELD_RETRY_MS) return;
    this.#lastRetryAt = now;
    this.#retrying = true;
    void this.#writeHeld().finally(() => (this.#retrying = false));
  }

  stop(): void {
    this.#stopped = true;
  }

  #pause(reason: PauseReason, detail: string): void {
    if (this.#paused === reason) return;
    this.#paused = reason;
    this.#lastRetryAt = this.#opts.now();
    this.#opts.onPause?.(reason, detail);
  }

  async #writeHeld(): Promise<void> {
    for (const piece of [...this.#held]) {
      const data = this.#opts.heldData(piece);
      if (!data) {
        this.#held.delete(piece);
        continue;
      }
      try {
        await this.#opts.store.put(piece, data);
      } catch (err) {
        if (isNoSpace(err)) this.#opts.space?.noSpace();
        return;
      }
      if (this.#stopped) return;
      this.#held.delete(piece);
      this.#promised.delete(piece);
      this.#opts.onWritten(piece, data);
    }
    if (this.#stopped) return;
    this.#paused = null;
    this.#opts.onResume?.();
  }
}
