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
