/**
 * The sizes of a torrent's files on disk, for resume: what is missing counts as 0. A folder that
 * does not exist answers for every file under it, so a torrent of 50,000 files with nothing on
 * disk costs one failed stat of its top folder, not 50,000 (each a rejected promise and an Error,
 * and a thread-pool queue that the add's own library write waited behind).
 */
import path from 'node:path';

export interface SizeStat {
  size: number;
  isDirectory(): boolean;
}

/** A stat that answers undefined for a path that cannot be read (missing, or not allowed). */
export type StatOrUndefined = (file: string) => Promise<SizeStat | undefined>;

/** Files whose size is asked at once: the event loop keeps turning between batches. */
export const STAT_BATCH = 256;

/**
 * Each path's size (0 when missing). `root` is the folder every path is inside (its existence is
 * asked too); paths are absolute and joined with `sep`.
 */
export async function existingFileSizes(paths: readonly string[], root: string, stat: StatOrUndefined, sep: string = path.sep): Promise<number[]> {
  const folders = new Map<string, Promise<boolean>>();
  const folderExists = (folder: string): Promise<boolean> => {
    let known = folders.get(folder);
    if (known) return known;
    const cut = folder.lastIndexOf(sep);
    const parent = folder.length > root.length && cut > 0 ? folder.slice(0, cut) : undefined;
    known = (async () => {
      if (parent !== undefined && parent.length >= root.length && !(await folderExists(parent))) return false;
      return (await stat(folder))?.isDirectory() ?? false;
    })();
    folders.set(folder, known);
    return known;
  };
  const sizes = new Array<number>(paths.length).fill(0);
  // Folders first, each once; then only the files in folders that exist, a batch at a time.
  const folderOf = paths.map((file) => {
    const cut = file.lastIndexOf(sep);
    return cut > 0 ? file.slice(0, cut) : root;
  });
  const unique = [...new Set(folderOf)];
  const present = new Set<string>();
  for (let i = 0; i < unique.length; i += STAT_BATCH) {
    const batch = unique.slice(i, i + STAT_BATCH);
    const exists = await Promise.all(batch.map(folderExists));
    batch.forEach((folder, j) => exists[j] && present.add(folder));
  }
  const wanted = paths.flatMap((_, i) => (present.has(folderOf[i]!) ? [i] : []));
  for (let i = 0; i < wanted.length; i += STAT_BATCH) {
    const batch = wanted.slice(i, i + STAT_BATCH);
    const stats = await Promise.all(batch.map((k) => stat(paths[k]!)));
    batch.forEach((k, j) => {
      const s = stats[j];
      if (s && !s.isDirectory()) sizes[k] = s.size;
    });
  }
  return sizes;
}
