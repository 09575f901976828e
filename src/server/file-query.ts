/**
 * The query parameters that choose which of a torrent's files an answer carries, checked and
 * bounded: `?files=N|all` on the torrent views, `?offset=&limit=&q=` on
 * GET /api/torrents/:infoHash/files. Pure; an error is a message for E_BAD_ARGUMENT.
 */
import { MAX_FILE_QUERY_LENGTH } from '../web/client/file-search.js';

/**
 * How many files the 201 of POST /api/torrents carries unless `?files=` says otherwise: all of a
 * usual torrent's, and not the megabytes a 50,000-file one would take (the rest are paged).
 */
export const POST_VIEW_FILES = 1_000;
/** A page of GET /api/torrents/:infoHash/files without `limit`, and the most one may ask. */
export const DEFAULT_FILE_PAGE = 100;
export const MAX_FILE_PAGE = 1_000;

/** `Infinity` for every file. */
export type FileLimit = number;

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

type QueryValue = unknown;

const COUNT = /^\d{1,9}$/;

function count(value: QueryValue, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): Parsed<number> {
  if (value === undefined) return { ok: true, value: fallback };
  if (typeof value !== 'string' || !COUNT.test(value)) return { ok: false, message: `${name} must be a whole number (0 to 999999999)` };
  const n = Number(value);
  if (n > max) return { ok: false, message: `${name} must be at most ${max}` };
  return { ok: true, value: n };
}

/** `?files=`: how many of each torrent's files a view lists (`all`, or a number). */
export function parseFilesLimit(value: QueryValue, fallback: FileLimit): Parsed<FileLimit> {
  if (value === 'all') return { ok: true, value: Infinity };
  return count(value, 'files', fallback);
}

export interface FilePageQuery {
  offset: number;
  limit: number;
  q: string;
  /** `?media=true`: video and audio files only (what a media center lists), paged among themselves. */
  media?: true;
}

export function parseFilePageQuery(query: Record<string, QueryValue>): Parsed<FilePageQuery> {
  const offset = count(query['offset'], 'offset', 0);
  if (!offset.ok) return offset;
  const limit = count(query['limit'], 'limit', DEFAULT_FILE_PAGE, MAX_FILE_PAGE);
  if (!limit.ok) return limit;
  const q = query['q'] ?? '';
  if (typeof q !== 'string') return { ok: false, message: 'q must be given once' };
  if (q.length > MAX_FILE_QUERY_LENGTH) return { ok: false, message: `q must be at most ${MAX_FILE_QUERY_LENGTH} characters` };
  const media = query['media'];
  if (media !== undefined && media !== 'true' && media !== 'false') return { ok: false, message: 'media must be true or false' };
  return { ok: true, value: { offset: offset.value, limit: limit.value, q, ...(media === 'true' ? { media: true as const } : {}) } };
}
