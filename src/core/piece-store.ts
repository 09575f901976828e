/**
 * Verified pieces on disk, through fs-chunk-store, under the data folder only: every file path is
 * sanitised and proven inside it (store-paths.ts). Only whole pieces that passed their hash check
 * are written, so what is on disk is always good, and resume is a hash check of what is there.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import FSChunkStore from 'fs-chunk-store';
import { TorrentLiveError } from '../errors.js';
import { resolveAllInStore } from './store-paths.js';
import { existingFileSizes } from './file-sizes.js';
import { StoreReader } from './store-reader.js';
import { pieceRangeOfFile, type TorrentMeta } from './torrent-meta.js';

export class PieceStore {
  #store: FSChunkStore | undefined;
  #reader: StoreReader | undefined;
  readonly #paths: string[];
  readonly #root: string;
  readonly #meta: TorrentMeta;
  #closed = false;

  constructor(meta: TorrentMeta, dataDir: string) {
    this.#meta = meta;
    this.#root = path.resolve(dataDir);
    this.#paths = resolveAllInStore(this.#root, meta.files.map((f) => f.name));
  }

  /**
   * fs-chunk-store's per-file bookkeeping (and its close, one callback per file) is made at the
   * first read or write: a torrent of 50,000 files with nothing on disk yet does not pay for it
   * while it is added.
   */
  #chunks(): FSChunkStore {
    this.#store ??= new FSChunkStore(this.#meta.pieceLength, { files: this.#meta.files.map((f, i) => ({ path: this.#paths[i]!, length: f.length, offset: f.offset })) });
    return this.#store;
  }

  put(index: number, data: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closedError(`writing piece ${index}`));
    return new Promise((resolve, reject) =>
      this.#chunks().put(index, data, (err) => (err ? reject(new TorrentLiveError('E_STORE', `writing piece ${index} of ${this.#meta.infoHash}: ${err.message}`, { cause: err })) : resolve())),
    );
  }

  read(index: number, offset: number, length: number): Promise<Buffer> {
    if (this.#closed) return Promise.reject(this.#closedError(`reading piece ${index}`));
    const pieceLength = Math.min(this.#meta.pieceLength, this.#meta.length - index * this.#meta.pieceLength);
    if (!(index >= 0 && offset >= 0 && length >= 0 && offset + length <= pieceLength)) {
      return Promise.reject(new TorrentLiveError('E_STORE', `reading piece ${index} of ${this.#meta.infoHash}: Invalid offset and/or length`));
    }
    this.#reader ??= new StoreReader(this.#meta.files.map((f, i) => ({ path: this.#paths[i]!, length: f.length, offset: f.offset })));
    return this.#reader.read(index * this.#meta.pieceLength + offset, length).catch((err: Error) => {
      throw new TorrentLiveError('E_STORE', `reading piece ${index} of ${this.#meta.infoHash}: ${err.message}`, { cause: err });
    });
  }

  /**
   * Pieces already on disk whose hash matches (resume). Pieces touching a missing or short file
   * (beyond a file's end) are skipped without opening anything, so a fresh start creates no file.
   */
  async verifyExisting(onPiece: (index: number) => void): Promise<number> {
    const candidate = new Uint8Array(this.#meta.pieceCount).fill(1);
    const sizes = await existingFileSizes(this.#paths, this.#root, statOrUndefined);
    this.#meta.files.forEach((f, i) => {
      const size = sizes[i] ?? 0;
      if (size >= f.length) return;
      // Pieces are written where they fall, so a partial file is as long as its last piece.
      const { last } = pieceRangeOfFile(this.#meta, f);
      for (let p = Math.floor((f.offset + size) / this.#meta.pieceLength); p <= last; p++) candidate[p] = 0;
    });
    let found = 0;
    for (let p = 0; p < this.#meta.pieceCount && !this.#closed; p++) {
      if (!candidate[p]) continue;
      const length = Math.min(this.#meta.pieceLength, this.#meta.length - p * this.#meta.pieceLength);
      try {
        const data = await this.read(p, 0, length);
        if (crypto.createHash('sha1').update(data).digest('hex') === this.#meta.pieceHashes[p]) {
          found++;
          onPiece(p);
        }
      } catch {}
    }
    return found;
  }

  /** What fs-chunk-store answers once closed, said the same way. */
  #closedError(doing: string): TorrentLiveError {
    return new TorrentLiveError('E_STORE', `${doing} of ${this.#meta.infoHash}: Storage is closed`);
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    this.#reader?.close();
    const store = this.#store;
    if (!store) return Promise.resolve();
    return new Promise((resolve) => store.close(() => resolve()));
  }
}

function statOrUndefined(file: string): Promise<fs.Stats | undefined> {
  return fs.promises.stat(file).then(
    (s) => s,
    () => undefined,
  );
}
