/**
 * A byte range of one torrent file as a pull stream: each read waits for the piece under it,
 * reads it from disk, and moves the read head, so the pieces under every open read are the
 * time-critical ones. Destroying the stream (the player went away) removes its head at once.
 */
import { Readable } from 'node:stream';

export interface PieceSource {
  readonly pieceLength: number;
  isStored(piece: number): boolean;
  whenStored(piece: number): Promise<void>;
  read(piece: number, offset: number, length: number): Promise<Buffer>;
  setHead(id: number, piece: number, lastPiece: number): void;
  removeHead(id: number): void;
}

let nextHeadId = 1;

/**
 * Largest read handed on at once, and what a stream buffers ahead of its reader: a player that
 * stops reading (paused, stalled, or a client that never reads) holds about this much, not a
 * whole piece (up to 16 MiB in large torrents) in the stream plus another in the socket.
 */
export const READ_CHUNK_BYTES = 64 * 1024;

export class FileRangeStream extends Readable {
  readonly headId = nextHeadId++;
  #source: PieceSource;
  /** Torrent-absolute byte offsets: next byte to read, and one past the last. */
  #pos: number;
  readonly #end: number;
  #reading = false;

  constructor(source: PieceSource, start: number, endExclusive: number) {
    super({ highWaterMark: Math.min(source.pieceLength, READ_CHUNK_BYTES) });
    this.#source = source;
    this.#pos = start;
    this.#end = endExclusive;
    if (start < endExclusive) this.#source.setHead(this.headId, this.currentPiece, Math.floor((endExclusive - 1) / source.pieceLength));
  }

  get currentPiece(): number {
    return Math.floor(this.#pos / this.#source.pieceLength);
  }

  override _read(): void {
    if (this.#reading) return;
    if (this.#pos >= this.#end) {
      this.#source.removeHead(this.headId);
      this.push(null);
      return;
    }
    this.#reading = true;
    this.#next().then(
      (chunk) => {
        this.#reading = false;
        if (this.destroyed) return;
        this.#pos += chunk.length;
        if (this.#pos < this.#end) this.#source.setHead(this.headId, this.currentPiece, Math.floor((this.#end - 1) / this.#source.pieceLength));
        if (this.push(chunk)) this._read();
      },
      (err: Error) => {
        this.#reading = false;
        this.destroy(err);
      },
    );
  }

  async #next(): Promise<Buffer> {
    const piece = this.currentPiece;
    if (!this.#source.isStored(piece)) await this.#source.whenStored(piece);
    const offset = this.#pos - piece * this.#source.pieceLength;
    const length = Math.min(this.#source.pieceLength - offset, this.#end - this.#pos, READ_CHUNK_BYTES);
    return this.#source.read(piece, offset, length);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#source.removeHead(this.headId);
    cb(err);
  }
}
