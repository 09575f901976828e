/**
 * A torrent's info dictionary as the engine needs it: piece size and hashes, files with their
 * offsets, store-safe names. Bytes come from a .torrent file or from peers (ut_metadata), so the
 * shape is checked before anything is sized from it.
 */
import crypto from 'node:crypto';
import { TorrentLiveError } from '../errors.js';
import { storeFilePaths } from './store-paths.js';
import { BencodeReader } from './bencode-reader.js';

/** Pieces beyond 64 MiB are not something any client makes; refusing them bounds our buffers. */
export const MAX_PIECE_BYTES = 64 * 1024 * 1024;

export interface TorrentMeta {
  infoHash: string;
  name: string;
  pieceLength: number;
  length: number;
  pieceCount: number;
  /** SHA-1 of each piece, 40 hex. */
  pieceHashes: readonly string[];
  /** name: data-folder-relative, from the raw info dictionary's own segments (store-paths.ts). */
  files: ReadonlyArray<{ index: number; name: string; length: number; offset: number }>;
}

/**
 * Checks and reads metadata. `expectedInfoHash` is the infohash a magnet or a peer promised;
 * without it (a .torrent the user gave) the bytes' own infohash is taken.
 */
export async function parseMeta(torrentFile: Uint8Array, expectedInfoHash?: string): Promise<TorrentMeta> {
  const bad = (why: string) => new TorrentLiveError('E_BAD_TORRENT', expectedInfoHash ? `torrent ${expectedInfoHash}: ${why}` : why);
  let info: InfoFields;
  try {
    info = readInfo(torrentFile);
  } catch (err) {
    if (err instanceof ShapeError) throw bad(err.message);
    throw bad(`metadata does not decode (${err instanceof Error ? err.message : String(err)})`);
  }
  const infoHash = crypto.createHash('sha1').update(info.bytes).digest('hex');
  if (expectedInfoHash !== undefined && infoHash !== expectedInfoHash) throw bad(`metadata hashes to ${infoHash}`);
  const { pieceLength, pieces } = info;
  if (pieceLength === undefined || pieceLength <= 0 || pieceLength > MAX_PIECE_BYTES || pieceLength % 1024 !== 0) throw bad(`piece length ${String(pieceLength)} is not usable`);
  if (!pieces || pieces.length === 0 || pieces.length % 40 !== 0) throw bad('no pieces');
  const lengths = info.files ? info.files.map((f) => f.length) : info.length !== undefined ? [info.length] : undefined;
  if (!lengths || lengths.length === 0) throw bad('no files, or a file without a usable length');
  let length = 0;
  const offsets = lengths.map((l) => {
    const offset = length;
    length += l;
    return offset;
  });
  if (length <= 0 || !Number.isSafeInteger(length)) throw bad('no files or no pieces');
  const pieceCount = pieces.length / 40;
  if (pieceCount !== Math.ceil(length / pieceLength)) throw bad(`${pieceCount} piece hashes for ${length} bytes`);
  const pieceHashes = Array.from({ length: pieceCount }, (_, i) => pieces.slice(i * 40, i * 40 + 40));
  // Names from the raw segments: a parser's joined paths would have resolved `..` already.
  const names = storeFilePaths(info.name ?? '', info.files?.map((f) => f.path));
  return {
    infoHash,
    name: info.name ?? infoHash,
    pieceLength,
    length,
    pieceCount,
    pieceHashes,
    files: lengths.map((l, index) => ({ index, name: names[index]!, length: l, offset: offsets[index]! })),
  };
}

/** A well-formed bencoding that is not a usable info dictionary: said as it is, not as "does not decode". */
class ShapeError extends Error {}

/** What parseMeta needs of an info dictionary, read in place (bencode-reader.ts). */
interface InfoFields {
  /** The dictionary's exact bytes: the infohash is their SHA-1. */
  bytes: Uint8Array;
  name?: string;
  pieceLength?: number;
  /** The piece hashes as hex, 40 characters each. */
  pieces?: string;
  length?: number;
  /** Each file's length and path segments (`path.utf-8` where given), decoded. */
  files?: Array<{ length: number; path: string[] }>;
}

/** Path segments one file may have: deeper than any folder tree, and a bound on a stranger's list. */
export const MAX_PATH_SEGMENTS = 256;

/** The top-level `info` dictionary, walked once; only the fields above become values. */
export function readInfo(torrentFile: Uint8Array): InfoFields {
  const r = new BencodeReader(torrentFile);
  if (r.kindAt(0) !== 'dict') throw new Error('not a bencoded dictionary');
  // The top level is walked only as far as `info`: what follows it is never read.
  for (let pos = 1; r.bytes[pos] !== END; ) {
    if (pos >= r.bytes.length) throw new Error('no info dictionary');
    const key = r.bytesAt(pos);
    if (r.is(key, 'info')) return infoFields(r, key.end);
    pos = r.skip(key.end);
  }
  throw new Error('no info dictionary');
}

function infoFields(r: BencodeReader, at: number): InfoFields {
  if (r.kindAt(at) !== 'dict') throw new Error('info is not a dictionary');
  const fields: Partial<InfoFields> & { utf8Name?: string } = {};
  const end = r.dict(at, (key, v) => {
    const kind = r.kindAt(v);
    if (kind === 'bytes' && (r.is(key, 'name') || r.is(key, 'name.utf-8'))) {
      const range = r.bytesAt(v);
      if (r.is(key, 'name')) fields.name = r.utf8(range);
      else fields.utf8Name = r.utf8(range);
      return range.end;
    }
    if (kind === 'int' && (r.is(key, 'piece length') || r.is(key, 'length'))) {
      const n = r.intAt(v);
      if (r.is(key, 'length')) fields.length = usableLength(n.value);
      else fields.pieceLength = n.value;
      return n.end;
    }
    if (kind === 'bytes' && r.is(key, 'pieces')) {
      const range = r.bytesAt(v);
      fields.pieces = r.bytes.toString('hex', range.start, range.end);
      return range.end;
    }
    if (!r.is(key, 'files')) return undefined;
    if (kind !== 'list') throw new ShapeError('no files, or a file without a usable length');
    const files: Array<{ length: number; path: string[] }> = [];
    fields.files = files;
    return r.list(v, (item, index) => fileFields(r, item, index, files));
  });
  const { utf8Name, ...rest } = fields;
  return { ...rest, ...(utf8Name !== undefined ? { name: utf8Name } : {}), bytes: r.bytes.subarray(at, end) };
}

/** One entry of `files` onto `out`: its length and path segments (`path.utf-8` over `path`). Returns its end. */
function fileFields(r: BencodeReader, item: number, index: number, out: Array<{ length: number; path: string[] }>): number {
  if (r.kindAt(item) !== 'dict') throw new ShapeError('no files, or a file without a usable length');
  let fileLength: number | undefined;
  let path: string[] | undefined;
  let utf8Path: string[] | undefined;
  const end = r.dict(item, (key, v) => {
    if (r.is(key, 'length') && r.kindAt(v) === 'int') {
      const n = r.intAt(v);
      fileLength = usableLength(n.value);
      return n.end;
    }
    const plain = r.is(key, 'path');
    if (!plain && !r.is(key, 'path.utf-8')) return undefined;
    const segments: string[] = [];
    const pathEnd = r.list(v, (s) => {
      if (r.kindAt(s) !== 'bytes') throw new ShapeError(`file ${index}'s path holds something other than names`);
      if (segments.length >= MAX_PATH_SEGMENTS) throw new ShapeError(`file ${index}'s path has more than ${MAX_PATH_SEGMENTS} segments`);
      const range = r.bytesAt(s);
      segments.push(r.utf8(range));
      return range.end;
    });
    if (plain) path = segments;
    else utf8Path = segments;
    return pathEnd;
  });
  if (fileLength === undefined) throw new ShapeError('no files, or a file without a usable length');
  out.push({ length: fileLength, path: utf8Path ?? path ?? [] });
  return end;
}

function usableLength(n: number): number {
  if (n < 0) throw new ShapeError('no files, or a file without a usable length');
  return n;
}

const END = 0x65;

/** The pieces a file's bytes touch (a zero-length file still names the piece at its offset). */
export function pieceRangeOfFile(meta: TorrentMeta, file: { offset: number; length: number }): { first: number; last: number } {
  const first = Math.floor(file.offset / meta.pieceLength);
  const last = Math.max(first, Math.floor((file.offset + Math.max(file.length, 1) - 1) / meta.pieceLength));
  return { first, last };
}
