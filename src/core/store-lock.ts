/**
 * One process per store: `.torrent-live/lock` is created exclusively (O_EXCL) with the holder's
 * pid, then its HTTP port once it listens. A second process finds it, sees the holder alive and
 * stops with a message naming it: two processes on one store would each download everything
 * and overwrite each other's files and library. A lock left by a process that died (kill -9, a
 * crash, a power cut) names a pid that no longer runs and is taken over.
 *
 * Two processes finding the same stale lock at once must not both take it: the takeover itself is
 * guarded by a second exclusive file (`lock.takeover`), and the lock is re-read under it.
 */
import fs from 'node:fs/promises';
import { TorrentLiveError } from '../errors.js';
import { writeFileAtomic } from './atomic-file.js';
import { describeFsError } from './fs-errors.js';
import { describeHolder, judgeLock, parseLock, serializeLock, type LockHolder } from './store-lock-file.js';

/** A lock file younger than this that does not parse is being written by a starting process. */
export const LOCK_FRESH_MS = 2_000;
/** A takeover guard older than this was left by a process that died during its takeover. */
export const TAKEOVER_STALE_MS = 10_000;
/** How long to keep trying while another process writes or takes over the lock. */
const ACQUIRE_DEADLINE_MS = 5_000;
const RETRY_MS = 50;

export interface StoreLock {
  readonly file: string;
  /** Records the HTTP port, so a refused second process can say where the first one answers. */
  setPort(port: number): Promise<void>;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

export interface StoreLockOptions {
  /** The store's root, for messages. */
  storeRoot: string;
  pid?: number;
  isAlive?: (pid: number) => boolean;
  now?: () => Date;
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function acquireStoreLock(file: string, opts: StoreLockOptions): Promise<StoreLock> {
  const pid = opts.pid ?? process.pid;
  const isAlive = opts.isAlive ?? processIsAlive;
  const now = opts.now ?? (() => new Date());
  const holder: LockHolder = { pid, port: null, since: now().toISOString() };
  const deadline = Date.now() + ACQUIRE_DEADLINE_MS;
  for (;;) {
    if (await createExclusive(file, serializeLock(holder), opts.storeRoot)) return heldLock(file, holder);
    const found = await readLock(file);
    if (!found) continue; // it went away between the two calls: try again at once
    const verdict = judgeLock(found.holder, isAlive, now().getTime() - found.mtimeMs, LOCK_FRESH_MS);
    if (verdict === 'held') {
      throw new TorrentLiveError('E_STORE_LOCKED', `the store ${opts.storeRoot} is in use by another torrent-live (${describeHolder(found.holder!)}); one process per store`);
    }
    if (verdict === 'stale' && (await takeOver(file, found.text, opts.storeRoot))) continue;
    if (Date.now() > deadline) {
      throw new TorrentLiveError('E_STORE_LOCKED', `the store ${opts.storeRoot} is being taken by another process (its lock ${file} stayed unreadable for ${ACQUIRE_DEADLINE_MS / 1000} s)`);
    }
    await new Promise((r) => setTimeout(r, RETRY_MS));
  }
}

function heldLock(file: string, holder: LockHolder): StoreLock {
  let current = holder;
  const stillOurs = async (): Promise<boolean> => parseLock(await fs.readFile(file, 'utf8').catch(() => ''))?.pid === holder.pid;
  return {
    file,
    setPort: async (port) => {
      current = { ...current, port };
      await writeFileAtomic(file, serializeLock(current));
    },
    release: async () => {
      if (await stillOurs()) await fs.rm(file, { force: true });
    },
  };
}

/** True if this call created the file (and wrote it); false if it exists. */
async function createExclusive(file: string, text: string, storeRoot: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new TorrentLiveError('E_STORE', `cannot lock the store ${storeRoot}: ${describeFsError(err, file)}`, { cause: err });
  }
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

async function readLock(file: string): Promise<{ text: string; holder: LockHolder | undefined; mtimeMs: number } | undefined> {
  try {
    const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    return { text, holder: parseLock(text), mtimeMs: stat.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TorrentLiveError('E_STORE', `cannot read the store's lock: ${describeFsError(err, file)}`, { cause: err });
  }
}

/**
 * Removes a stale lock under the takeover guard, only if it still reads as it did when judged
 * (another process may have taken over and written its own in between). True if removed.
 */
async function takeOver(file: string, staleText: string, storeRoot: string): Promise<boolean> {
  const guard = `${file}.takeover`;
  if (!(await createExclusive(guard, `${process.pid}\n`, storeRoot))) {
    const stat = await fs.stat(guard).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > TAKEOVER_STALE_MS) await fs.rm(guard, { force: true });
    return false;
  }
  try {
    const again = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (again !== staleText) return again === undefined;
    await fs.rm(file, { force: true });
    return true;
  } finally {
    await fs.rm(guard, { force: true });
  }
}
