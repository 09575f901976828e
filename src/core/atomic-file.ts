/**
 * Writes a file so that a reader (or a restart after kill -9 or a power cut) sees either the old
 * contents or the new, never a mix: the bytes go to a temporary file beside the target, are
 * flushed to the disk (fsync), renamed over the target (atomic within one filesystem), and the
 * folder itself is flushed so the rename is durable too.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Temporary files are `<name>.<pid>.<n>.tmp`, so two writers never share one. */
let sequence = 0;

export function temporaryPathFor(target: string): string {
  return `${target}.${process.pid}.${++sequence}.tmp`;
}

/** True for a temporary file this module leaves behind when killed mid-write. */
export function isTemporaryOf(target: string, candidate: string): boolean {
  const base = path.basename(target);
  const name = path.basename(candidate);
  return name.startsWith(`${base}.`) && /^\.\d+\.\d+\.tmp$/.test(name.slice(base.length));
}

export async function writeFileAtomic(target: string, data: string | Uint8Array, opts: { mode?: number } = {}): Promise<void> {
  const temporary = temporaryPathFor(target);
  const handle = await fs.promises.open(temporary, 'w', opts.mode ?? 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.promises.rm(temporary, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await fs.promises.rename(temporary, target);
  } catch (err) {
    await fs.promises.rm(temporary, { force: true });
    throw err;
  }
  await syncDirectory(path.dirname(target));
}

/** The same, synchronously: for small files written where the caller cannot wait (metadata). */
export function writeFileAtomicSync(target: string, data: string | Uint8Array, opts: { mode?: number } = {}): void {
  const temporary = temporaryPathFor(target);
  try {
    const fd = fs.openSync(temporary, 'w', opts.mode ?? 0o644);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, target);
  } catch (err) {
    fs.rmSync(temporary, { force: true });
    throw err;
  }
  try {
    const dir = fs.openSync(path.dirname(target), 'r');
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
  } catch {
    // Some filesystems refuse fsync on a folder; the rename itself is still atomic.
  }
}

/** Removes temporary files a killed writer left next to `target`. */
export async function removeStaleTemporaries(target: string): Promise<void> {
  const dir = path.dirname(target);
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => isTemporaryOf(target, n)).map((n) => fs.promises.rm(path.join(dir, n), { force: true })));
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some filesystems refuse fsync on a folder; the rename itself is still atomic.
  }
}
