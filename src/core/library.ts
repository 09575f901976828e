/**
 * The store's list of torrents on disk (library-state.ts is its format). Opened once at start:
 * a file that cannot be used is reported and moved aside (`library.json.corrupt-<time>`), never a
 * reason not to start. Every change is written atomically (atomic-file.ts) and a change resolves
 * only once it is on disk, so a torrent the API confirmed survives a kill -9 that follows.
 * Writes are serialised and coalesced: ten quick adds cost at most two writes, not ten.
 */
import fs from 'node:fs/promises';
import { writeFileAtomic, removeStaleTemporaries } from './atomic-file.js';
import { describeFsError } from './fs-errors.js';
import {
  corruptPathFor,
  emptyLibrary,
  MAX_LIBRARY_STATE_BYTES,
  parseLibraryState,
  serializeLibraryState,
  withEntry,
  withoutEntry,
  type LibraryEntry,
  type LibraryState,
} from './library-state.js';

export interface LibraryOptions {
  /** `.torrent-live/library.json`. */
  file: string;
  /** Something a user should know (a file set aside, entries skipped). */
  onWarning(message: string): void;
  now?: () => Date;
}

export class Library {
  readonly file: string;
  #state: LibraryState;
  /** Bumped by every change; `#written` is the last one known to be on disk. */
  #version = 0;
  #written = 0;
  #writing: Promise<void> | null = null;

  private constructor(file: string, state: LibraryState) {
    this.file = file;
    this.#state = state;
  }

  static async open(opts: LibraryOptions): Promise<Library> {
    const now = opts.now ?? (() => new Date());
    await removeStaleTemporaries(opts.file);
    let text: string;
    try {
      const stat = await fs.stat(opts.file);
      if (stat.size > MAX_LIBRARY_STATE_BYTES) return new Library(opts.file, await setAside(opts, now(), `it is ${stat.size} bytes, over the ${MAX_LIBRARY_STATE_BYTES} a library can be`));
      text = await fs.readFile(opts.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Library(opts.file, emptyLibrary());
      // Unreadable (permissions, I/O): start empty and say so; the file stays where it is.
      opts.onWarning(`the torrent library ${describeFsError(err, opts.file)}; starting with no torrents (nothing is overwritten until a torrent is added)`);
      return new Library(opts.file, emptyLibrary());
    }
    const parsed = parseLibraryState(text);
    if (!parsed.ok) return new Library(opts.file, await setAside(opts, now(), parsed.reason));
    if (parsed.skipped.length > 0) opts.onWarning(`the torrent library ${opts.file}: ${parsed.skipped.length} entr${parsed.skipped.length === 1 ? 'y' : 'ies'} left out: ${parsed.skipped.slice(0, 5).join('; ')}`);
    return new Library(opts.file, parsed.state);
  }

  entries(): readonly LibraryEntry[] {
    return this.#state.torrents;
  }

  has(infoHash: string): boolean {
    return this.#state.torrents.some((t) => t.infoHash === infoHash.toLowerCase());
  }

  /** Resolves once the entry is on disk; rejects (the entry stays in memory) if it cannot be written. */
  add(entry: LibraryEntry): Promise<void> {
    const next = withEntry(this.#state, entry);
    if (next === this.#state) return this.#flush();
    this.#state = next;
    this.#version++;
    return this.#flush();
  }

  remove(infoHash: string): Promise<void> {
    if (!this.has(infoHash)) return this.#flush();
    this.#state = withoutEntry(this.#state, infoHash);
    this.#version++;
    return this.#flush();
  }

  /** Writes until what is on disk includes every change made so far. */
  async #flush(): Promise<void> {
    const wanted = this.#version;
    while (this.#written < wanted) {
      if (!this.#writing) {
        const version = this.#version;
        const text = serializeLibraryState(this.#state);
        this.#writing = writeFileAtomic(this.file, text)
          .then(() => {
            this.#written = Math.max(this.#written, version);
          })
          .finally(() => {
            this.#writing = null;
          });
      }
      try {
        await this.#writing;
      } catch (err) {
        throw new Error(`the torrent library ${describeFsError(err, this.file)}`, { cause: err });
      }
    }
  }
}

async function setAside(opts: LibraryOptions, at: Date, reason: string): Promise<LibraryState> {
  const aside = corruptPathFor(opts.file, at);
  try {
    await fs.rename(opts.file, aside);
    opts.onWarning(`the torrent library ${opts.file} is unusable (${reason}); it was moved to ${aside} and the service starts with no torrents`);
  } catch (err) {
    opts.onWarning(`the torrent library ${opts.file} is unusable (${reason}) and could not be moved aside (${(err as Error).message}); the service starts with no torrents`);
  }
  return emptyLibrary();
}
