/**
 * Deletes one torrent's data (`DELETE /api/torrents/:ih?deleteFiles=true`), and nothing else: only
 * the files its metadata names, resolved the way the engine resolved them inside `downloads/`,
 * each proven (after following links in its folders) to lie inside `downloads/`; then the folders
 * those files leave empty. Files another loaded torrent also names stay, and so does whatever a
 * user put beside them.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveInStore } from './store-paths.js';

export interface DeletedData {
  /** Downloads-relative paths removed. */
  removed: string[];
  /** Downloads-relative paths kept, each with why. */
  kept: string[];
}

/** True when `candidate` is `root` or inside it (both absolute, already resolved). */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * `fileNames` are the torrent's downloads-relative names (as the engine keeps them);
 * `otherTorrentsFiles` the names every other loaded torrent uses, which are never deleted.
 */
export async function deleteTorrentData(downloadsDir: string, fileNames: readonly string[], otherTorrentsFiles: Iterable<string> = []): Promise<DeletedData> {
  const result: DeletedData = { removed: [], kept: [] };
  const sharedWithOthers = new Set<string>();
  for (const name of otherTorrentsFiles) sharedWithOthers.add(path.relative(downloadsDir, resolveInStore(downloadsDir, name)));
  const realRoot = await fs.realpath(downloadsDir);
  const folders = new Set<string>();
  for (const name of fileNames) {
    const full = resolveInStore(downloadsDir, name);
    const relative = path.relative(downloadsDir, full);
    if (sharedWithOthers.has(relative)) {
      result.kept.push(`${relative} (another torrent names it too)`);
      continue;
    }
    // A folder on the way may be a link a user made to elsewhere: follow it and check again.
    const realFolder = await fs.realpath(path.dirname(full)).catch(() => undefined);
    if (realFolder === undefined) continue; // never written
    if (!isInside(realRoot, realFolder)) {
      result.kept.push(`${relative} (its folder leads outside downloads/)`);
      continue;
    }
    const stat = await fs.lstat(full).catch(() => undefined);
    if (!stat) continue;
    if (stat.isDirectory()) {
      result.kept.push(`${relative} (a folder where a file was expected)`);
      continue;
    }
    // rm on a link removes the link, never what it points to.
    await fs.rm(full, { force: true });
    result.removed.push(relative);
    for (let dir = path.dirname(full); dir !== downloadsDir && isInside(downloadsDir, dir); dir = path.dirname(dir)) folders.add(dir);
  }
  // Deepest first, so a folder emptied by its subfolder's removal goes too; a folder still holding
  // anything is left (rmdir refuses).
  for (const dir of [...folders].sort((a, b) => b.length - a.length)) await fs.rmdir(dir).catch(() => undefined);
  return result;
}
