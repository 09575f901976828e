/**
 * Reads of verified pieces straight from the store's files, into one buffer: fs-chunk-store's get
 * goes through a queue per file, a parallel runner and a final join that copies every byte once
 * more, and a stream behind the download's edge reads every byte that way. Descriptors are opened
 * read-only at first use and a few are kept (a stream reads one file on and on); one that falls
 * out of the cache is closed once its reads are done.
 */
import fs from 'node:fs';

/** Descriptors kept open: a torrent may name 50,000 files. */
export const OPEN_READ_FDS = 8;

export interface StoreFile {
  path: string;
  length: number;
  /** Where the file starts in the torrent's byte space. */
  offset: number;
}

interface OpenFile {
  fd: Promise<number>;
  reads: number;
  evicted: boolean;
}

export class StoreReader {
  readonly #files: readonly StoreFile[];
  /** Insertion order is recency: the first entry is closed first. */
  #open = new Map<number, OpenFile>();
  #closed = false;

  constructor(files: readonly StoreFile[]) {
    this.#files = files;
  }

  /** `length` bytes from torrent offset `at`; rejects on a short read (the file is not all there). */
  async read(at: number, length: number): Promise<Buffer> {
    if (this.#closed) throw new Error('Storage is closed');
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    for (let i = this.#fileAt(at); done < length && i < this.#files.length; i++) {
      const f = this.#files[i]!;
      const from = at + done - f.offset;
      const n = Math.min(length - done, f.length - from);
      if (n <= 0) continue;
      const got = await this.#readFile(i, out, done, n, from);
      if (got !== n) throw new Error(`short read of ${f.path}: ${got} of ${n} bytes at ${from}`);
      done += n;
    }
    if (done !== length) throw new Error(`read past the torrent's end: ${done} of ${length} bytes at ${at}`);
    return out;
  }

  close(): void {
    this.#closed = true;
    for (const [i, o] of this.#open) this.#evict(i, o);
  }

  /** The first file holding byte `at` (files are sorted by offset; empty ones hold nothing). */
  #fileAt(at: number): number {
    let lo = 0;
    let hi = this.#files.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#files[mid]!.offset <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  async #readFile(i: number, out: Buffer, pos: number, n: number, from: number): Promise<number> {
    let o = this.#open.get(i);
    if (o) {
      this.#open.delete(i);
      this.#open.set(i, o);
    } else {
      const path = this.#files[i]!.path;
      o = { fd: new Promise<number>((resolve, reject) => fs.open(path, 'r', (err, fd) => (err ? reject(err) : resolve(fd)))), reads: 0, evicted: false };
      o.fd.catch(() => this.#open.get(i) === o && this.#open.delete(i));
      this.#open.set(i, o);
      for (const [j, old] of this.#open) {
        if (this.#open.size <= OPEN_READ_FDS) break;
        this.#evict(j, old);
      }
    }
    const file = o;
    file.reads++;
    try {
      const fd = await file.fd;
      let got = 0;
      // A regular file answers in one read unless it ends first; the loop covers the rare partial one.
      while (got < n) {
        const r = await new Promise<number>((resolve, reject) => fs.read(fd, out, pos + got, n - got, from + got, (err, bytes) => (err ? reject(err) : resolve(bytes))));
        if (r === 0) break;
        got += r;
      }
      return got;
    } finally {
      file.reads--;
      if (file.evicted && file.reads === 0) closeFd(file);
    }
  }

  #evict(i: number, o: OpenFile): void {
    this.#open.delete(i);
    o.evicted = true;
    if (o.reads === 0) closeFd(o);
  }
}

function closeFd(o: OpenFile): void {
  o.fd.then(
    (fd) => fs.close(fd, () => {}),
    () => {},
  );
}
