/**
 * Where a torrent's files land on disk. File names come from strangers, so every segment is
 * sanitised and the joined path is checked to stay inside the store: `..`, absolute paths, NUL
 * and control characters, and names Windows reserves never reach the file system as given.
 */
import path from 'node:path';
import { TorrentLiveError } from '../errors.js';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_SEGMENT_BYTES = 255;

export function sanitizeSegment(segment: string): string {
  // eslint-disable-next-line no-control-regex
  let clean = segment.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').replace(/[. ]+$/, '');
  if (clean === '' || clean === '.' || clean === '..') clean = '_';
  if (WINDOWS_RESERVED.test(clean)) clean = `_${clean}`;
  while (Buffer.byteLength(clean) > MAX_SEGMENT_BYTES) clean = clean.slice(0, -1);
  return clean;
}

/** A torrent path (any separator) as a safe store-relative path with '/' separators. */
export function safeRelativePath(torrentPath: string): string {
  const segments = torrentPath.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) return '_';
  return segments.map(sanitizeSegment).join('/');
}

/** Joins a safe relative path to the store root and proves the result stays inside it. */
export function resolveInStore(storeRoot: string, relativePath: string): string {
  const root = path.resolve(storeRoot);
  const full = path.resolve(root, safeRelativePath(relativePath));
  if (full !== root && !full.startsWith(root + path.sep)) {
    throw new TorrentLiveError('E_UNSAFE_PATH', `"${relativePath}" resolves outside the store ${root}`);
  }
  return full;
}

/** The parts of a raw (bencoded) info dictionary that name files. */
export interface RawInfoNames {
  name?: Uint8Array;
  'name.utf-8'?: Uint8Array;
  files?: ReadonlyArray<{ path?: readonly Uint8Array[]; 'path.utf-8'?: readonly Uint8Array[] }>;
}

/**
 * Each file's downloads-relative path, built from the info dictionary's own segments. Paths joined
 * by a parser have already resolved `..` (["..", "x"] under "Show" became "x", another torrent's
 * file), so every raw segment is sanitised on its own and a multi-file torrent stays in its
 * folder. Two files that sanitise to the same path (or differ only in case) get a `~N` suffix
 * rather than overwrite each other. Linear in the number of files.
 */
export function torrentFilePaths(info: RawInfoNames): string[] {
  const text = (b: Uint8Array | undefined): string => (b ? Buffer.from(b).toString('utf8') : '');
  const top = sanitizeSegment(text(info['name.utf-8'] ?? info.name));
  const raw = info.files
    ? info.files.map((f) => [top, ...(f['path.utf-8'] ?? f.path ?? []).map((s) => sanitizeSegment(text(s)))].join('/'))
    : [top];
  const taken = new Set<string>();
  return raw.map((p) => {
    let candidate = p;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${p}~${n}`;
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}
