/**
 * A torrent's info dictionary as the engine needs it: piece size and hashes, files with their
 * offsets, store-safe names. Bytes come from a .torrent file or from peers (ut_metadata), so the
 * shape is checked before anything is sized from it.
 */
import bencode from 'bencode';
import parseTorrent from 'parse-torrent';
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

export async function parseMeta(torrentFile: Uint8Array, expectedInfoHash: string): Promise<TorrentMeta> {
  const bad = (why: string) => new TorrentLiveError('E_BAD_TORRENT', `torrent ${expectedInfoHash}: ${why}`);
  let parsed;
  try {
    parsed = await parseTorrent(torrentFile);
  } catch (err) {
    throw bad(`metadata does not decode (${err instanceof Error ? err.message : String(err)})`);
  }
  if (parsed.infoHash !== expectedInfoHash) throw bad(`metadata hashes to ${parsed.infoHash}`);
  const { pieceLength, length, pieces, files } = parsed;
  if (!pieceLength || pieceLength <= 0 || pieceLength > MAX_PIECE_BYTES || pieceLength % 1024 !== 0) throw bad(`piece length ${pieceLength} is not usable`);
  if (!length || length <= 0 || !pieces || !files || files.length === 0) throw bad('no files or no pieces');
  if (pieces.length !== Math.ceil(length / pieceLength)) throw bad(`${pieces.length} piece hashes for ${length} bytes`);
  // Names from the raw segments: a parser's joined paths have already resolved `..`.
  const info = (bencode.decode(Buffer.from(torrentFile)) as { info?: RawInfoNames }).info;
  const names = info ? torrentFilePaths(info) : [];
  if (names.length !== files.length) throw bad('file list does not match the info dictionary');
  return {
    infoHash: parsed.infoHash,
    name: parsed.name ?? parsed.infoHash,
    pieceLength,
    length,
    pieceCount: pieces.length,
    pieceHashes: pieces,
    files: files.map((f, index) => ({ index, name: names[index]!, length: f.length, offset: f.offset })),
  };
}

/** The pieces a file's bytes touch (a zero-length file still names the piece at its offset). */
export function pieceRangeOfFile(meta: TorrentMeta, file: { offset: number; length: number }): { first: number; last: number } {
  const first = Math.floor(file.offset / meta.pieceLength);
  const last = Math.max(first, Math.floor((file.offset + Math.max(file.length, 1) - 1) / meta.pieceLength));
  return { first, last };
}
