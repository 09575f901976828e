/**
 * A torrent card's file list, a page at a time with a search by name: what to show and where to
 * ask for it. Pure. The page never builds more than FILE_PAGE_SIZE rows, whatever the torrent
 * names: files it holds are paged here, the rest by GET /api/torrents/:infoHash/files.
 */
import { MAX_FILE_QUERY_LENGTH, pageOfFiles } from './file-search.js';
import { filesFromApi, type FileView, type TorrentView } from './torrent-state.js';

export const FILE_PAGE_SIZE = 50;
/** Typing pauses this long before a search goes to the server. */
export const SEARCH_DELAY_MS = 250;

export interface PagerState {
  query: string;
  offset: number;
}

export interface ShownPage {
  matched: number;
  offset: number;
  files: FileView[];
}

export function fileTotal(torrent: TorrentView): number {
  return Math.max(torrent.fileCount ?? 0, torrent.files.length);
}

/** More files than one page: the card gets the search box and the page buttons. */
export function isPaged(torrent: TorrentView): boolean {
  return fileTotal(torrent) > FILE_PAGE_SIZE;
}

/** The page holds every file (an older server, or a small torrent): no request needed. */
export function holdsAllFiles(torrent: TorrentView): boolean {
  return torrent.files.length >= fileTotal(torrent);
}

export function localPage(torrent: TorrentView, state: PagerState): ShownPage {
  const page = pageOfFiles(torrent.files, state.query, state.offset, FILE_PAGE_SIZE);
  return { matched: page.matched, offset: page.offset, files: page.items };
}

export function pagePath(infoHash: string, state: PagerState): string {
  const params = new URLSearchParams({ offset: String(state.offset), limit: String(FILE_PAGE_SIZE) });
  if (state.query.trim()) params.set('q', state.query.trim());
  return `/api/torrents/${encodeURIComponent(infoHash)}/files?${params}`;
}

/** A page as GET /api/torrents/:infoHash/files answers it, or undefined when it is not one. */
export function pageFromApi(value: unknown): ShownPage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { matched, offset, files } = value as Record<string, unknown>;
  if (typeof matched !== 'number' || typeof offset !== 'number' || !Array.isArray(files)) return undefined;
  return { matched, offset, files: filesFromApi(files) };
}

/** What the search box holds, cut to what the server accepts. */
export function withQuery(state: PagerState, query: string): PagerState {
  return { query: query.slice(0, MAX_FILE_QUERY_LENGTH), offset: 0 };
}

export function turnPage(state: PagerState, direction: 1 | -1, matched: number): PagerState {
  const offset = state.offset + direction * FILE_PAGE_SIZE;
  if (offset < 0 || offset >= matched) return state;
  return { ...state, offset };
}

const count = (n: number): string => n.toLocaleString('en-US');

/** The line above the list: which files these are. */
export function pageLabel(page: ShownPage, total: number, query: string): string {
  const q = query.trim();
  if (page.matched === 0) return q ? `No file matches “${q}”.` : 'No files.';
  const range = `${count(page.offset + 1)}–${count(page.offset + page.files.length)}`;
  if (q) return `${range} of ${count(page.matched)} file${page.matched === 1 ? '' : 's'} matching “${q}” (of ${count(total)})`;
  return `Files ${range} of ${count(total)}`;
}
