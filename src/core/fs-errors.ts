/**
 * File-system failures in words a user can act on, naming the path and the real cause: a
 * read-only store must read "read-only", not "no such file" (which is what a failed write of a
 * file that does not exist yet looks like when only the last step's error is shown). Pure.
 */

/** What each errno means for a store, and what to do about it. */
const CAUSES: Record<string, string> = {
  EROFS: 'is on a read-only file system (EROFS): remount it read-write or choose another --store',
  EACCES: 'is not writable by this user (EACCES): fix its permissions or choose another --store',
  EPERM: 'may not be changed by this user (EPERM): fix its permissions or choose another --store',
  ENOSPC: 'is on a full disk (ENOSPC): free some space',
  EDQUOT: 'is over the disk quota (EDQUOT): free some space',
  ENOENT: 'does not exist (ENOENT)',
  ENOTDIR: 'has a file where a folder is expected (ENOTDIR)',
  EISDIR: 'is a folder where a file is expected (EISDIR)',
  EIO: 'could not be read or written: the disk reports an I/O error (EIO)',
  EMFILE: 'could not be opened: too many open files (EMFILE)',
};

/** Errors that mean "no room": the download pauses and resumes when space returns. */
export function isNoSpace(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** Errors that mean "this store cannot be written at all". */
export function isNotWritable(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'EROFS' || code === 'EACCES' || code === 'EPERM';
}

export function errnoCode(err: unknown): string | undefined {
  let e: unknown = err;
  // Wrapped errors (ours carry the original as cause) still say what happened underneath.
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && !code.startsWith('E_')) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** "<path> is on a read-only file system (EROFS): …", or the raw message for other failures. */
export function describeFsError(err: unknown, target: string): string {
  const code = errnoCode(err);
  const where = pathOf(err);
  const subject = where ?? target;
  if (code && CAUSES[code]) return `${subject} ${CAUSES[code]}`;
  return `${subject}: ${err instanceof Error ? err.message : String(err)}`;
}

/** The path the failing call named, looked for through wrapped causes. */
function pathOf(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const p = (e as { path?: unknown }).path;
    if (typeof p === 'string' && p !== '') return p;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
