/**
 * mkdir -p that reports the real cause. Node's recursive mkdir on a read-only file system (or
 * under a folder this user may not write) answers ENOENT for a folder that does not exist yet,
 * which reads as "missing" when the truth is "read-only": the first missing folder is made alone
 * to get the error the file system really gives (EROFS, EACCES).
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** Makes `dir` and its parents; returns the first folder it created (undefined: all existed). */
export async function ensureDirectory(dir: string, mode?: number): Promise<string | undefined> {
  try {
    return await fs.mkdir(dir, { recursive: true, ...(mode !== undefined ? { mode } : {}) });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw await realCause(dir, err);
  }
}

async function realCause(dir: string, fallback: unknown): Promise<unknown> {
  let missing = path.resolve(dir);
  for (let parent = path.dirname(missing); parent !== missing; missing = parent, parent = path.dirname(parent)) {
    if (await fs.stat(parent).then(() => true, () => false)) break;
  }
  try {
    await fs.mkdir(missing);
    await fs.rmdir(missing);
  } catch (err) {
    return err;
  }
  return fallback;
}
