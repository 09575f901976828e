/**
 * What the store's lock file says: which process holds the store, and on which HTTP port its
 * API and web remote answer, so a second process can name it. Pure: text in, holder out.
 */

export interface LockHolder {
  pid: number;
  /** The HTTP port, once the holder listens (null while it starts). */
  port: number | null;
  /** ISO time the holder took the store. */
  since: string;
}

export function serializeLock(holder: LockHolder): string {
  return `${JSON.stringify(holder)}\n`;
}

/** The holder a lock file names, or undefined when it is not one (empty, torn, foreign). */
export function parseLock(text: string): LockHolder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const pid = r['pid'];
  const port = r['port'];
  const since = r['since'];
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (port !== null && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)) return undefined;
  if (typeof since !== 'string') return undefined;
  return { pid, port, since };
}

/** "pid 1234, HTTP port 8888, since …" for the refusal message. */
export function describeHolder(holder: LockHolder): string {
  const port = holder.port === null ? 'HTTP port not yet open' : `HTTP port ${holder.port}`;
  return `pid ${holder.pid}, ${port}, since ${holder.since}`;
}

/** What to do with a lock file found in place. */
export type LockVerdict = 'held' | 'stale' | 'being-written';

/**
 * A lock naming a live process is held; one naming a dead process is stale (kill -9, a crash)
 * and may be taken over; one that does not parse is being written by a process starting right
 * now if it is fresh, and stale garbage otherwise.
 */
export function judgeLock(holder: LockHolder | undefined, isAlive: (pid: number) => boolean, ageMs: number, freshMs: number): LockVerdict {
  if (!holder) return ageMs < freshMs ? 'being-written' : 'stale';
  return isAlive(holder.pid) ? 'held' : 'stale';
}
