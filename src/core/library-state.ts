/**
 * The library's state file (`.torrent-live/library.json`): which torrents the service holds, in
 * the order they were added, so a restart brings them all back with the same URLs. Pure: text in,
 * a checked state out (or the reason it is unusable), and a state back to text.
 *
 * Only the infohash is needed to come back: the .torrent kept in `.torrent-live/torrents/` (or
 * peers, for a magnet whose metadata never arrived) gives the rest, and stream tokens, DLNA ids
 * and add-on ids all derive from the infohash and the pairing token.
 */

export const LIBRARY_STATE_VERSION = 1;
/** A state file larger than this was not written by us (1,000,000 torrents is ~150 MB). */
export const MAX_LIBRARY_STATE_BYTES = 64 * 1024 * 1024;
const INFOHASH = /^[0-9a-f]{40}$/;
/** Longest display name kept (a magnet's `dn` is whatever its author wrote). */
export const MAX_ENTRY_NAME_CHARS = 1024;

export interface LibraryEntry {
  /** 40 lowercase hex characters. */
  infoHash: string;
  /** The name the source announced (a magnet's `dn`), shown until the metadata arrives. */
  name?: string;
  /** ISO time it was added. */
  addedAt: string;
}

export interface LibraryState {
  version: typeof LIBRARY_STATE_VERSION;
  torrents: LibraryEntry[];
}

export type ParsedLibrary =
  | { ok: true; state: LibraryState; /** Entries left out, each with why. */ skipped: string[] }
  | { ok: false; reason: string };

export function emptyLibrary(): LibraryState {
  return { version: LIBRARY_STATE_VERSION, torrents: [] };
}

/**
 * Reads a state file's text. A file that is not JSON, not an object of this version or has no
 * torrent list is unusable as a whole (the caller sets it aside); single entries that break the
 * rules are skipped and named, so one bad line a user typed does not lose the rest.
 */
export function parseLibraryState(text: string): ParsedLibrary {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `not JSON (${(err as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const record = value as Record<string, unknown>;
  if (record['version'] !== LIBRARY_STATE_VERSION) return { ok: false, reason: `version ${JSON.stringify(record['version'])} is not ${LIBRARY_STATE_VERSION}` };
  const list = record['torrents'];
  if (!Array.isArray(list)) return { ok: false, reason: 'no "torrents" list' };
  const torrents: LibraryEntry[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  list.forEach((item: unknown, i) => {
    const entry = parseEntry(item);
    if (typeof entry === 'string') return skipped.push(`entry ${i}: ${entry}`);
    if (seen.has(entry.infoHash)) return skipped.push(`entry ${i}: ${entry.infoHash} is listed twice`);
    seen.add(entry.infoHash);
    torrents.push(entry);
  });
  return { ok: true, state: { version: LIBRARY_STATE_VERSION, torrents }, skipped };
}

function parseEntry(item: unknown): LibraryEntry | string {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'not an object';
  const r = item as Record<string, unknown>;
  const infoHash = r['infoHash'];
  if (typeof infoHash !== 'string' || !INFOHASH.test(infoHash)) return `infoHash ${JSON.stringify(infoHash)?.slice(0, 60)} is not 40 lowercase hex characters`;
  const addedAt = r['addedAt'];
  if (typeof addedAt !== 'string' || Number.isNaN(Date.parse(addedAt))) return `${infoHash}: addedAt is not a date`;
  const name = r['name'];
  if (name !== undefined && typeof name !== 'string') return `${infoHash}: name is not text`;
  return { infoHash, addedAt, ...(name ? { name: name.slice(0, MAX_ENTRY_NAME_CHARS) } : {}) };
}

export function serializeLibraryState(state: LibraryState): string {
  return `${JSON.stringify({ version: state.version, torrents: state.torrents }, null, 1)}\n`;
}

/** The state with `entry` appended (or unchanged when its infohash is already listed). */
export function withEntry(state: LibraryState, entry: LibraryEntry): LibraryState {
  if (state.torrents.some((t) => t.infoHash === entry.infoHash)) return state;
  return { ...state, torrents: [...state.torrents, entry] };
}

export function withoutEntry(state: LibraryState, infoHash: string): LibraryState {
  const key = infoHash.toLowerCase();
  return { ...state, torrents: state.torrents.filter((t) => t.infoHash !== key) };
}

/** Where an unusable state file is moved: beside it, named with the time, so nothing is lost. */
export function corruptPathFor(statePath: string, at: Date): string {
  return `${statePath}.corrupt-${at.toISOString().replace(/[:.]/g, '-')}`;
}
