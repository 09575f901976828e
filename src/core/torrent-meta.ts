/**
 * A torrent's info dictionary as the engine needs it: piece size and hashes, files with their
 * offsets, store-safe names. Bytes come from a .torrent file or from peers (ut_metadata), so the
 * shape is checked before anything is sized from it.
 */
import crypto from 'node:crypto';
import bencode from 'bencode';
import { TorrentLiveError } from '../errors.js';
import { torrentFilePaths, type RawInfoNames } from './store-paths.js';

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
  let raw;
  try {
    raw = rawInfo(torrentFile);
  } catch (err) {
    throw bad(`metadata does not decode (${err instanceof Error ? err.message : String(err)})`);
  }
  const infoHash = crypto.createHash('sha1').update(raw.infoBytes).digest('hex');
  if (expectedInfoHash !== undefined && infoHash !== expectedInfoHash) throw bad(`metadata hashes to ${infoHash}`);
  const info = raw.info;
  const pieceLength = info['piece length'];
  if (typeof pieceLength !== 'number' || !Number.isSafeInteger(pieceLength) || pieceLength <= 0 || pieceLength > MAX_PIECE_BYTES || pieceLength % 1024 !== 0) throw bad(`piece length ${String(pieceLength)} is not usable`);
  const pieces = info['pieces'];
  if (!(pieces instanceof Uint8Array) || pieces.length === 0 || pieces.length % 20 !== 0) throw bad('no pieces');
  const lengths = fileLengths(info);
  if (!lengths) throw bad('no files, or a file without a usable length');
  let length = 0;
  const offsets = lengths.map((l) => {
    const offset = length;
    length += l;
    return offset;
  });
  if (length <= 0 || !Number.isSafeInteger(length)) throw bad('no files or no pieces');
  const pieceCount = pieces.length / 20;
  if (pieceCount !== Math.ceil(length / pieceLength)) throw bad(`${pieceCount} piece hashes for ${length} bytes`);
  const hex = Buffer.from(pieces).toString('hex');
  const pieceHashes = Array.from({ length: pieceCount }, (_, i) => hex.slice(i * 40, i * 40 + 40));
  // Names from the raw segments: a parser's joined paths would have resolved `..` already.
  const names = torrentFilePaths(info as RawInfoNames);
  const rawName = info['name.utf-8'] ?? info['name'];
  return {
    infoHash,
    name: rawName instanceof Uint8Array ? Buffer.from(rawName).toString('utf8') : infoHash,
    pieceLength,
    length,
    pieceCount,
    pieceHashes,
    files: lengths.map((l, index) => ({ index, name: names[index]!, length: l, offset: offsets[index]! })),
  };
}

/** Each file's length (a single-file torrent has one), or undefined when one is missing or bad. */
function fileLengths(info: Record<string, unknown>): number[] | undefined {
  const usable = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  const files = info['files'];
  if (files === undefined) return usable(info['length']) ? [info['length']] : undefined;
  if (!Array.isArray(files) || files.length === 0) return undefined;
  const lengths: number[] = [];
  for (const f of files) {
    const l = (f as { length?: unknown } | null)?.length;
    if (!usable(l)) return undefined;
    lengths.push(l);
  }
  return lengths;
}

const DICT = 0x64;
const END = 0x65;
const COLON = 0x3a;

/**
 * The top-level `info` value, decoded, and its exact bytes (the infohash is their SHA-1, so they
 * are found by walking the top-level dictionary, never re-encoded). One decode, no second parser.
 */
export function rawInfo(bytes: Uint8Array): { info: Record<string, unknown>; infoBytes: Uint8Array } {
  if (bytes[0] !== DICT) throw new Error('not a bencoded dictionary');
  let pos = 1;
  while (pos < bytes.length && bytes[pos] !== END) {
    const colon = bytes.indexOf(COLON, pos);
    const lengthText = colon > pos && colon - pos <= 10 ? Buffer.from(bytes.subarray(pos, colon)).toString('latin1') : '';
    if (!/^\d+$/.test(lengthText)) throw new Error(`a malformed key at byte ${pos}`);
    const keyEnd = colon + 1 + Number(lengthText);
    if (keyEnd > bytes.length) throw new Error('truncated');
    const key = Buffer.from(bytes.subarray(colon + 1, keyEnd)).toString('latin1');
    const value: unknown = bencode.decode(bytes, keyEnd);
    const valueEnd = keyEnd + bencode.decode.position;
    if (valueEnd > bytes.length || valueEnd <= keyEnd) throw new Error('truncated');
    if (key === 'info') {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) throw new Error('info is not a dictionary');
      return { info: value as Record<string, unknown>, infoBytes: bytes.subarray(keyEnd, valueEnd) };
    }
    pos = valueEnd;
  }
  throw new Error('no info dictionary');
}

/** The pieces a file's bytes touch (a zero-length file still names the piece at its offset). */
export function pieceRangeOfFile(meta: TorrentMeta, file: { offset: number; length: number }): { first: number; last: number } {
  const first = Math.floor(file.offset / meta.pieceLength);
  const last = Math.max(first, Math.floor((file.offset + Math.max(file.length, 1) - 1) / meta.pieceLength));
  return { first, last };
}
