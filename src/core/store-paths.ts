/**
 * Where a torrent's files land on disk. File names come from strangers, so every segment is
 * sanitised and the joined path is checked to stay inside the store: `..`, absolute paths, NUL
 * and control characters, and names Windows reserves never reach the file system as given.
 */
import path from 'node:path';
import { TorrentLiveError } from '../errors.js';

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_SEGMENT_BYTES = 255;

// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f<>:"|?*]/;

/** A segment that sanitising would leave as it is: most are, and a torrent may have 100,000. */
function isPlainSegment(segment: string): boolean {
  const last = segment.charCodeAt(segment.length - 1);
  return segment.length > 0 && segment.length * 3 <= MAX_SEGMENT_BYTES && last !== 0x2e && last !== 0x20 && !UNSAFE_CHARACTER.test(segment) && !WINDOWS_RESERVED.test(segment);
}

export function sanitizeSegment(segment: string): string {
  if (isPlainSegment(segment)) return segment;
  // eslint-disable-next-line no-control-regex
  let clean = segment.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').replace(/[. ]+$/, '');
  if (clean === '' || clean === '.' || clean === '..') clean = '_';
  if (WINDOWS_RESERVED.test(clean)) clean = `_${clean}`;
  // A UTF-16 unit is at most 3 UTF-8 bytes: short names need no count.
  if (clean.length * 3 > MAX_SEGMENT_BYTES && Buffer.byteLength(clean) > MAX_SEGMENT_BYTES) clean = utf8Prefix(clean, MAX_SEGMENT_BYTES);
  return clean;
}

const encoder = new TextEncoder();

/**
 * The longest prefix (in UTF-16 units) of at most `max` UTF-8 bytes, in one pass: cutting a unit
 * at a time and re-counting was quadratic in a name a torrent makes as long as it likes. A pair
 * that does not fit leaves its high half when 3 bytes remain, as that loop did (names on disk
 * stay the same).
 */
function utf8Prefix(text: string, max: number): string {
  const { read, written } = encoder.encodeInto(text, new Uint8Array(max));
  const next = text.charCodeAt(read);
  if (next >= 0xd800 && next <= 0xdbff && written + 3 <= max) return text.slice(0, read + 1);
  return text.slice(0, read);
}

/** A torrent path (any separator) as a safe store-relative path with '/' separators. */
export function safeRelativePath(torrentPath: string): string {
  const segments = (torrentPath.includes('\\') ? torrentPath.split(/[\\/]+/) : torrentPath.split('/')).filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) return '_';
  return segments.map(sanitizeSegment).join('/');
}

/** Joins a safe relative path to the store root and proves the result stays inside it. */
export function resolveInStore(storeRoot: string, relativePath: string): string {
  return resolveAllInStore(storeRoot, [relativePath])[0]!;
}

/**
 * The same for every file of a torrent, the root resolved once. Each segment is sanitised again
 * and checked on its own (never empty, `.` or `..`, never holding a separator), which is what
 * makes the joined path normal and inside the root: proved per segment in one pass, where
 * `path.normalize` of 50,000 whole paths cost more than the rest of the add.
 */
export function resolveAllInStore(storeRoot: string, relativePaths: readonly string[]): string[] {
  const root = path.resolve(storeRoot);
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return relativePaths.map((relativePath) => {
    const segments = relativePath.includes('\\') ? relativePath.split(/[\\/]+/) : relativePath.split('/');
    let full = prefix;
    let kept = 0;
    for (const segment of segments) {
      if (segment === '' || segment === '.') continue;
      const safe = sanitizeSegment(segment);
      if (safe === '..' || safe === '.' || safe === '' || safe.includes('/') || safe.includes('\\')) {
        throw new TorrentLiveError('E_UNSAFE_PATH', `"${relativePath}" resolves outside the store ${root}`);
      }
      full += kept++ === 0 ? safe : path.sep + safe;
    }
    return kept === 0 ? `${full}_` : full;
  });
}

/**
 * Each file's downloads-relative path, from the torrent's name and, for a multi-file torrent, each
 * file's path segments as the info dictionary holds them (undefined for a single-file torrent).
 * Paths joined by a parser have already resolved `..` (["..", "x"] under "Show" became "x",
 * another torrent's file), so every raw segment is sanitised on its own and a multi-file torrent
 * stays in its folder. Two files that sanitise to the same path (or differ only in case) get a
 * `~N` suffix rather than overwrite each other. Linear in the number of files.
 */
export function storeFilePaths(name: string, files: ReadonlyArray<readonly string[]> | undefined): string[] {
  const top = sanitizeSegment(name);
  const raw = files ? files.map((segments) => joinSanitized(top, segments)) : [top];
  const taken = new Set<string>();
  // The next suffix to try per path: 50,000 files of one name would otherwise try 1+2+...+50,000.
  // Suffixes below it were taken, and taken paths stay taken, so the result is the same.
  const nextSuffix = new Map<string, number>();
  return raw.map((p) => {
    const lower = p.toLowerCase();
    if (!taken.has(lower)) {
      taken.add(lower);
      return p;
    }
    let n = nextSuffix.get(lower) ?? 2;
    while (taken.has(`${lower}~${n}`)) n++;
    nextSuffix.set(lower, n + 1);
    taken.add(`${lower}~${n}`);
    return `${p}~${n}`;
  });
}

function joinSanitized(top: string, segments: readonly string[]): string {
  let out = top;
  for (const s of segments) out += `/${sanitizeSegment(s)}`;
  return out;
}
