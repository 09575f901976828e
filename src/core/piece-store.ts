/**
 * Verified pieces on disk, through fs-chunk-store, under the data folder only: every file path is
 * sanitised and proven inside it (store-paths.ts). Only whole pieces that passed their hash check
 * are written, so what is on disk is always good, and resume is a hash check of what is there.
 */
import fs from 'node:fs';
import crypto from 'node:crypto';
import FSChunkStore from 'fs-chunk-store';
import { TorrentLiveError } from '../errors.js';
import { resolveAllInStore } from './store-paths.js';
import { pieceRangeOfFile, type TorrentMeta } from './torrent-meta.js';

export class PieceStore {
  readonly #store: FSChunkStore;
  readonly #paths: string[];
  readonly #meta: TorrentMeta;
  #closed = false;

  constructor(meta: TorrentMeta, dataDir: string) {
    this.#meta = meta;
    this.#paths = resolveAllInStore(dataDir, meta.files.map((f) => f.name));
    this.#store = new FSChunkStore(meta.pieceLength, { files: meta.files.map((f, i) => ({ path: this.#paths[i]!, length: f.length, offset: f.offset })) });
  }

  put(index: number, data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#store.put(index, data, (err) => (err ? reject(new TorrentLiveError('E_STORE', `writing piece ${index} of ${this.#meta.infoHash}: ${err.message}`, { cause: err })) : resolve())),
    );
  }

  read(index: number, offset: number, length: number): Promise<Buffer> {
    return new Promise((resolve, reject) =>
      this.#store.get(index, { offset, length }, (err, buf) =>
        err || !buf ? reject(new TorrentLiveError('E_STORE', `reading piece ${index} of ${this.#meta.infoHash}: ${err?.message ?? 'no data'}`)) : resolve(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)),
      ),
    );
  }

  /**
   * Pieces already on disk whose hash matches (resume). Pieces touching a missing or short file
   * (beyond a file's end) are skipped without opening anything, so a fresh start creates no file.
   */
  async verifyExisting(onPiece: (index: number) => void): Promise<number> {
    const candidate = new Uint8Array(this.#meta.pieceCount).fill(1);
    // File sizes are asked in batches, without blocking: a torrent may name 50,000 files.
    const sizes = await statSizes(this.#paths, STAT_BATCH);
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

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve) => this.#store.close(() => resolve()));
  }
}

/** Files whose size is asked at once while looking for resumable pieces. */
const STAT_BATCH = 256;

/** Each path's size (0 when missing), asked `batch` at a time so the event loop keeps turning. */
async function statSizes(paths: readonly string[], batch: number): Promise<number[]> {
  const sizes: number[] = [];
  for (let i = 0; i < paths.length; i += batch) {
    const slice = paths.slice(i, i + batch);
    sizes.push(...(await Promise.all(slice.map((p) => fs.promises.stat(p).then((s) => s.size, () => 0)))));
  }
  return sizes;
}
