/**
 * Torrent fixtures made at test time: deterministic pseudo-random content written to a temp
 * folder, and the .torrent that create-torrent makes of it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import createTorrent from 'create-torrent';
import parseTorrent from 'parse-torrent';

export interface FixtureFile {
  name: string;
  length: number;
}

export interface TorrentFixture {
  dir: string;
  name: string;
  torrentFile: Buffer;
  torrentPath: string;
  infoHash: string;
  magnet: string;
  pieceLength: number;
  pieces: number;
  /** All files' bytes concatenated in torrent order (what a seeder serves). */
  content: Buffer;
  /**
   * Bytes at a torrent offset, for a torrent too large to hold (a bench's 10 GiB stream): the
   * seeder asks this instead of `content` when it is set.
   */
  bytesAt?: (start: number, length: number) => Buffer;
  files: Array<{ path: string; length: number; offset: number; bytes: Buffer }>;
}

/** xorshift32: fast, seeded, good enough to make every piece distinct. */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed >>> 0 || 1;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out.writeUInt32LE(x, i);
  }
  for (; i < length; i++) out[i] = (i * 131 + seed) & 0xff;
  return out;
}

export async function makeFixture(opts: {
  name: string;
  files: FixtureFile[];
  seed?: number;
  pieceLength?: number;
  /** Use given bytes instead of generated ones (e.g. a real video). */
  contents?: Buffer[];
}): Promise<TorrentFixture> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-fixture-'));
  const single = opts.files.length === 1 && !opts.files[0]!.name.includes('/');
  const base = single ? root : path.join(root, opts.name);
  const written: string[] = [];
  opts.files.forEach((f, i) => {
    const p = path.join(base, single ? opts.name : f.name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, opts.contents?.[i] ?? pseudoRandomBytes(f.length, (opts.seed ?? 7) + i * 7919));
    written.push(p);
  });
  const input = single ? written[0]! : base;
  const torrentFile = await new Promise<Buffer>((resolve, reject) => {
    createTorrent(input, { pieceLength: opts.pieceLength ?? 256 * 1024, announceList: [], createdBy: 'torrent-live tests', creationDate: 1 }, (err, t) => {
      if (err) reject(err);
      else resolve(Buffer.from(t));
    });
  });
  return fixtureFromTorrent(torrentFile, single ? root : root);
}

/** Builds a fixture from .torrent bytes whose files lie under dataRoot (path = torrent path). */
export async function fixtureFromTorrent(torrentFile: Buffer, dataRoot: string, readFrom?: (torrentPath: string) => string): Promise<TorrentFixture> {
  const parsed = await parseTorrent(torrentFile);
  const files = (parsed.files ?? []).map((f) => {
    const bytes = fs.readFileSync(readFrom ? readFrom(f.path) : path.join(dataRoot, f.path));
    return { path: f.path, length: f.length, offset: f.offset, bytes };
  });
  const torrentPath = path.join(dataRoot, `${parsed.infoHash}.torrent`);
  fs.writeFileSync(torrentPath, torrentFile);
  return {
    dir: dataRoot,
    name: parsed.name ?? 'unnamed',
    torrentFile,
    torrentPath,
    infoHash: parsed.infoHash,
    magnet: `magnet:?xt=urn:btih:${parsed.infoHash}`,
    pieceLength: parsed.pieceLength!,
    pieces: parsed.pieces!.length,
    content: Buffer.concat(files.map((f) => f.bytes)),
    files,
  };
}

export function removeFixture(f: TorrentFixture): void {
  fs.rmSync(f.dir, { recursive: true, force: true });
}
