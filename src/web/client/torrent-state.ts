/**
 * What the remote knows about torrents, built from GET /api/torrents and then kept current by the
 * SSE events of src/events.ts. Pure: `reduce` returns a new state and never touches the page.
 */
import type { AppEvent } from '../../events.js';

export interface FileView {
  index: number;
  name: string;
  length: number;
  mime?: string;
}

export interface TorrentView {
  infoHash: string;
  name: string;
  /** The first files (all of them unless `fileCount` says there are more). */
  files: FileView[];
  /** How many files the torrent has, when the server said: more than `files` means paged. */
  fileCount?: number;
  length: number;
  downloaded: number;
  speed: number;
  peers: number;
  timeLeft: number | null;
  spiesBlocked: number;
  done: boolean;
  /** Why downloading stopped ('disk full', 'store not writable'...); absent while it runs. */
  paused?: string;
}

export interface RemoteState {
  /** In the order they were added. */
  torrents: TorrentView[];
  /** Spy events seen since the page opened (all torrents, and walks not tied to one). */
  spiesSeen: number;
  lastCast?: { device: string; state: string; reason?: string | undefined } | undefined;
  lastError?: string | undefined;
}

export type Action = { type: 'loaded'; torrents: TorrentView[] } | { type: 'added'; torrent: TorrentView } | { type: 'removed'; infoHash: string } | { type: 'event'; event: AppEvent };

export const initialState: RemoteState = { torrents: [], spiesSeen: 0 };

function emptyTorrent(infoHash: string): TorrentView {
  return { infoHash, name: infoHash, files: [], length: 0, downloaded: 0, speed: 0, peers: 0, timeLeft: null, spiesBlocked: 0, done: false };
}

function upsert(state: RemoteState, infoHash: string, change: (t: TorrentView) => TorrentView): RemoteState {
  const key = infoHash.toLowerCase();
  const index = state.torrents.findIndex((t) => t.infoHash === key);
  const current = index >= 0 ? state.torrents[index]! : emptyTorrent(key);
  const next = change(current);
  const torrents = state.torrents.slice();
  if (index >= 0) torrents[index] = next;
  else torrents.push(next);
  return { ...state, torrents };
}

/** Keeps what the list already knew (live counters) when a fresher listing arrives. */
function merge(known: TorrentView | undefined, fresh: TorrentView): TorrentView {
  if (!known) return fresh;
  return {
    ...fresh,
    speed: known.speed,
    peers: known.peers,
    timeLeft: known.timeLeft,
    spiesBlocked: Math.max(known.spiesBlocked, fresh.spiesBlocked),
    downloaded: Math.max(known.downloaded, fresh.downloaded),
    done: known.done || fresh.done,
    files: fresh.files.length > 0 ? fresh.files : known.files,
    ...(fresh.files.length === 0 && known.fileCount !== undefined ? { fileCount: known.fileCount } : {}),
  };
}

function withoutPause(t: TorrentView): TorrentView {
  const { paused: _dropped, ...running } = t;
  return running;
}

export function reduce(state: RemoteState, action: Action): RemoteState {
  switch (action.type) {
    case 'loaded': {
      const byHash = new Map(state.torrents.map((t) => [t.infoHash, t]));
      return { ...state, torrents: action.torrents.map((t) => merge(byHash.get(t.infoHash), t)) };
    }
    case 'added':
      return upsert(state, action.torrent.infoHash, (known) => merge(known.name === known.infoHash && known.files.length === 0 ? undefined : known, action.torrent));
    case 'removed':
      return { ...state, torrents: state.torrents.filter((t) => t.infoHash !== action.infoHash.toLowerCase()) };
    case 'event':
      return applyEvent(state, action.event);
  }
}

function applyEvent(state: RemoteState, event: AppEvent): RemoteState {
  switch (event.event) {
    case 'metadata':
      return upsert(state, event.infoHash, (t) => ({
        ...t,
        name: event.name,
        files: event.files.map((f) => ({ index: f.index, name: f.name, length: f.length })),
        ...(typeof event.fileCount === 'number' ? { fileCount: event.fileCount } : {}),
        // With only some of the files, their sum is not the torrent's length: progress says it.
        length: t.length || (typeof event.fileCount === 'number' && event.fileCount > event.files.length ? 0 : event.files.reduce((sum, f) => sum + f.length, 0)),
      }));
    case 'progress':
      return upsert(state, event.infoHash, (t) => {
        const done = t.done || (event.length > 0 && event.downloaded >= event.length);
        // A finished torrent downloads nothing more, whatever the last speed sample said.
        return { ...t, downloaded: event.downloaded, length: event.length, speed: done ? 0 : event.speed, peers: event.peers, timeLeft: event.timeLeft, done };
      });
    case 'paused':
      return upsert(state, event.infoHash, (t) => ({ ...t, paused: event.reason, speed: 0 }));
    case 'resumed':
      return upsert(state, event.infoHash, withoutPause);
    case 'done':
      return upsert(state, event.infoHash, (t) => ({ ...t, done: true, downloaded: Math.max(t.downloaded, t.length), speed: 0, timeLeft: 0 }));
    case 'spy': {
      const counted = { ...state, spiesSeen: state.spiesSeen + 1 };
      if (!event.infoHash) return counted;
      const known = state.torrents.some((t) => t.infoHash === event.infoHash!.toLowerCase());
      return known ? upsert(counted, event.infoHash, (t) => ({ ...t, spiesBlocked: t.spiesBlocked + 1 })) : counted;
    }
    case 'cast':
      return { ...state, lastCast: { device: event.device, state: event.state, reason: event.reason } };
    case 'error':
      return { ...state, lastError: event.message };
    default:
      return state;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const num = (value: unknown, fallback = 0): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/** A torrent as GET/POST /api/torrents return it (src/core/catalog.ts), or undefined if it is not one. */
export function torrentFromApi(value: unknown): TorrentView | undefined {
  if (!isRecord(value) || typeof value['infoHash'] !== 'string') return undefined;
  const files = Array.isArray(value['files']) ? value['files'] : [];
  const infoHash = value['infoHash'].toLowerCase();
  const length = num(value['length']);
  const downloaded = num(value['downloaded']);
  return {
    infoHash,
    name: typeof value['name'] === 'string' && value['name'] ? value['name'] : infoHash,
    files: filesFromApi(files),
    ...(typeof value['fileCount'] === 'number' && Number.isSafeInteger(value['fileCount']) && value['fileCount'] >= 0 ? { fileCount: value['fileCount'] } : {}),
    length,
    downloaded,
    speed: num(value['speed']),
    peers: num(value['peers']),
    timeLeft: typeof value['timeLeft'] === 'number' ? value['timeLeft'] : null,
    spiesBlocked: num(value['spiesBlocked']),
    done: value['done'] === true || (length > 0 && downloaded >= length),
    ...(typeof value['paused'] === 'string' && value['paused'] ? { paused: value['paused'] } : {}),
  };
}

/** Files as the API lists them (a view's `files`, a page of /api/torrents/:infoHash/files). */
export function filesFromApi(files: readonly unknown[]): FileView[] {
  return files.filter(isRecord).map((f, i) => ({
    index: num(f['index'], i),
    name: typeof f['name'] === 'string' ? f['name'] : `file ${i}`,
    length: num(f['length']),
    ...(typeof f['mime'] === 'string' ? { mime: f['mime'] } : {}),
  }));
}

/** GET /api/torrents may answer with an array or with `{ torrents: [...] }`. */
export function torrentsFromApi(value: unknown): TorrentView[] {
  const list = Array.isArray(value) ? value : isRecord(value) && Array.isArray(value['torrents']) ? value['torrents'] : [];
  return list.map(torrentFromApi).filter((t): t is TorrentView => t !== undefined);
}

/** Whether a file is something the page's <video> element can try to play. */
export function isPlayable(file: FileView): boolean {
  if (file.mime) return /^(video|audio)\//.test(file.mime);
  return /\.(mp4|m4v|webm|mkv|mov|ogv|ogg|mp3|m4a|flac|wav|opus)$/i.test(file.name);
}
