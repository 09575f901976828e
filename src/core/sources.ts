/**
 * Turns what a user typed into torrent sources: 40-hex or 32-base32 infohashes, magnet URIs
 * (their `tr` trackers are dropped: peers come only from the DHT), and .torrent paths, several
 * joined with `-` (the 2015 command form). Classification is pure; reading files is injected.
 */
import { echoInput, TorrentLiveError } from '../errors.js';
import type { TorrentMeta } from './torrent-meta.js';

export const MAX_TORRENT_FILE_BYTES = 16 * 1024 * 1024;

export type SourceKind = 'infohash' | 'magnet' | 'torrent-file';

export interface TorrentSource {
  kind: SourceKind;
  /** 40 lowercase hex characters. */
  infoHash: string;
  /** The name the source announces (magnet `dn`, or the torrent's name). */
  name?: string;
  /** The raw .torrent bytes, when the source is a .torrent file. */
  torrentFile?: Buffer;
  /** torrentFile already parsed and checked: parsing 50,000 files twice is a second lost. */
  meta?: TorrentMeta;
  original: string;
}

const HEX40 = /^[0-9a-fA-F]{40}$/;
const BASE32_32 = /^[A-Za-z2-7]{32}$/;

/**
 * What a network client may name: an infohash or a magnet. A path would let a client probe the
 * server's disk (which files exist, their first bytes through the parse error) and load any
 * .torrent lying there; paths stay a command-line feature, and .torrent bytes come as uploads.
 */
export function isNetworkSource(text: string): boolean {
  const trimmed = text.trim();
  return isInfoHash(trimmed) || /^magnet:/i.test(trimmed);
}

export function isInfoHash(text: string): boolean {
  return HEX40.test(text) || BASE32_32.test(text);
}

/** RFC 4648 base32 (what magnets use for 32-character infohashes) to lowercase hex. */
export function base32ToHex(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text.toUpperCase()) {
    const value = alphabet.indexOf(ch);
    if (value < 0) throw new TorrentLiveError('E_BAD_SOURCE', `${echoInput(text)} is not base32`);
    bits += value.toString(2).padStart(5, '0');
  }
  let hex = '';
  for (let i = 0; i + 4 <= bits.length; i += 4) hex += parseInt(bits.slice(i, i + 4), 2).toString(16);
  return hex;
}

export function normaliseInfoHash(text: string): string {
  if (HEX40.test(text)) return text.toLowerCase();
  if (BASE32_32.test(text)) return base32ToHex(text);
  throw new TorrentLiveError('E_BAD_SOURCE', `${echoInput(text)} is not a 40-hex or 32-base32 infohash`);
}

/** Parses a magnet URI; only `xt=urn:btih:` and `dn` matter (trackers are ignored by design). */
export function parseMagnet(uri: string): TorrentSource {
  if (!/^magnet:\?/i.test(uri)) throw new TorrentLiveError('E_BAD_SOURCE', `${echoInput(uri)} is not a magnet URI (it must start with magnet:?)`);
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(uri.slice(uri.indexOf('?') + 1));
  } catch (cause) {
    throw new TorrentLiveError('E_BAD_SOURCE', `magnet ${echoInput(uri)} has malformed parameters`, { cause });
  }
  const topics = params.getAll('xt').filter((xt) => /^urn:btih:/i.test(xt));
  if (topics.length === 0) throw new TorrentLiveError('E_BAD_SOURCE', `magnet ${echoInput(uri)} has no xt=urn:btih:<infohash>`);
  const hash = topics[0]!.slice('urn:btih:'.length);
  if (!isInfoHash(hash)) throw new TorrentLiveError('E_BAD_SOURCE', `the magnet carries ${echoInput(hash)}, which is not a 40-hex or 32-base32 infohash`);
  const name = params.get('dn') ?? undefined;
  return { kind: 'magnet', infoHash: normaliseInfoHash(hash), ...(name ? { name } : {}), original: uri };
}

function looksLikeTorrentPath(text: string): boolean {
  return /\.torrent$/i.test(text) || text.includes('/') || text.includes('\\');
}

/**
 * Splits `a-b-c` into sources. Infohashes never contain `-`, but magnet names and file paths
 * may, so a `-` only separates when what follows starts a new source (a hash, a magnet, or a
 * path the caller says exists) and what precedes is complete.
 */
export function splitSourceList(arg: string, pathExists: (p: string) => boolean): string[] {
  if (arg.startsWith('magnet:') && !/-magnet:|-[0-9a-fA-F]{40}(?:-|$)|-[A-Za-z2-7]{32}(?:-|$)/.test(arg)) return [arg];
  if (pathExists(arg)) return [arg];
  const parts = arg.split('-');
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < parts.length; i++) {
    current = current ? `${current}-${parts[i]}` : parts[i]!;
    const rest = parts.slice(i + 1);
    const nextStartsSource = rest.length === 0 || startsSource(rest, pathExists);
    if (nextStartsSource && isCompleteSource(current, pathExists)) {
      out.push(current);
      current = '';
    }
  }
  if (current) out.push(current);
  return out;
}

function isCompleteSource(text: string, pathExists: (p: string) => boolean): boolean {
  return isInfoHash(text) || text.startsWith('magnet:') || pathExists(text);
}

function startsSource(rest: string[], pathExists: (p: string) => boolean): boolean {
  const first = rest[0]!;
  if (isInfoHash(first) || first.startsWith('magnet:')) return true;
  for (let j = 1; j <= rest.length; j++) if (pathExists(rest.slice(0, j).join('-'))) return true;
  return false;
}

export interface SourceReader {
  exists(path: string): boolean;
  /** Size first, so a huge file is refused before it is read. */
  size(path: string): number;
  read(path: string): Buffer;
  /** Decodes .torrent bytes; throws on anything that is not a torrent. */
  decodeTorrent(bytes: Buffer): Promise<{ infoHash: string; name?: string; meta?: TorrentMeta }>;
}

/** Resolves one source; every failure is a TorrentLiveError naming the source. */
export async function resolveSource(text: string, reader: SourceReader): Promise<TorrentSource> {
  const trimmed = text.trim();
  if (trimmed === '') throw new TorrentLiveError('E_BAD_SOURCE', 'empty source');
  if (isInfoHash(trimmed)) return { kind: 'infohash', infoHash: normaliseInfoHash(trimmed), original: trimmed };
  if (/^magnet:/i.test(trimmed)) return parseMagnet(trimmed);
  if (reader.exists(trimmed)) {
    const size = reader.size(trimmed);
    if (size > MAX_TORRENT_FILE_BYTES) {
      throw new TorrentLiveError('E_BAD_TORRENT', `${echoInput(trimmed)} is ${size} bytes; a .torrent larger than ${MAX_TORRENT_FILE_BYTES} bytes is refused`);
    }
    const bytes = reader.read(trimmed);
    return resolveTorrentBytes(bytes, trimmed, reader);
  }
  if (looksLikeTorrentPath(trimmed)) throw new TorrentLiveError('E_BAD_SOURCE', `${echoInput(trimmed)}: no such .torrent file`);
  throw new TorrentLiveError('E_BAD_SOURCE', `${echoInput(trimmed)} is neither an infohash, a magnet URI nor an existing .torrent file`);
}

export async function resolveTorrentBytes(bytes: Buffer, label: string, reader: Pick<SourceReader, 'decodeTorrent'>): Promise<TorrentSource> {
  if (bytes.length > MAX_TORRENT_FILE_BYTES) {
    throw new TorrentLiveError('E_BAD_TORRENT', `${label} is ${bytes.length} bytes; a .torrent larger than ${MAX_TORRENT_FILE_BYTES} bytes is refused`);
  }
  let decoded: { infoHash: string; name?: string; meta?: TorrentMeta };
  try {
    decoded = await reader.decodeTorrent(bytes);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new TorrentLiveError('E_BAD_TORRENT', `${label} is not a valid .torrent file (${why})`, { cause });
  }
  return { kind: 'torrent-file', infoHash: decoded.infoHash.toLowerCase(), ...(decoded.name ? { name: decoded.name } : {}), torrentFile: bytes, ...(decoded.meta ? { meta: decoded.meta } : {}), original: label };
}
