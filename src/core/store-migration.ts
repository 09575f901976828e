/**
 * Brings a store written by an earlier version (everything at the root: pairing-token, dlna-udn,
 * `.torrents/`, and each torrent's data) into today's layout (store-layout.ts), once, at start.
 *
 * Only what we can prove is ours moves: state files by their fixed names, and download data by
 * the names recorded in the kept .torrent files. Anything else at the root is left alone, so a
 * `--store` pointed at a folder holding other things never has them swept into `downloads/`.
 * A state file whose name is also a kept torrent's top-level name may have been written by that
 * torrent (the hole this layout closes), so it is treated as download data, never as state.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { TorrentLiveError } from '../errors.js';
import { describeFsError } from './fs-errors.js';
import { storeFilePaths } from './store-paths.js';
import { readInfo } from './torrent-meta.js';
import { DOWNLOADS_DIR, STATE_DIR, type StoreLayout } from './store-layout.js';

export const LEGACY_METADATA_DIR = '.torrents';
/** Files the service kept at the store root before the state tree existed. */
export const LEGACY_STATE_FILES = ['pairing-token', 'dlna-udn'] as const;
const INFOHASH_TORRENT = /^[0-9a-f]{40}\.torrent$/;

export interface StoreMigration {
  /** Store-relative `from -> to` moves, in the order made. */
  moved: string[];
  /** Things a user should know (a state file a torrent had replaced, data left in place). */
  warnings: string[];
}

export async function prepareStore(layout: StoreLayout): Promise<StoreMigration> {
  const result: StoreMigration = { moved: [], warnings: [] };
  try {
    await fs.mkdir(layout.root, { recursive: true });
    await fs.mkdir(layout.downloadsDir, { recursive: true });
    await fs.mkdir(layout.stateDir, { recursive: true, mode: 0o700 });
    await fs.mkdir(layout.metadataDir, { recursive: true });
    await migrateLegacy(layout, result);
  } catch (err) {
    if (err instanceof TorrentLiveError) throw err;
    throw new TorrentLiveError('E_STORE', `cannot prepare the store ${layout.root}: ${describeFsError(err, layout.root)}`, { cause: err });
  }
  return result;
}

async function migrateLegacy(layout: StoreLayout, result: StoreMigration): Promise<void> {
  const legacyMetadata = path.join(layout.root, LEGACY_METADATA_DIR);
  const torrentFiles = (await readdirOrEmpty(legacyMetadata)).filter((n) => INFOHASH_TORRENT.test(n));
  const downloadTops = new Set<string>();
  for (const name of torrentFiles) {
    const from = path.join(legacyMetadata, name);
    const top = await topLevelName(from);
    if (top !== undefined) downloadTops.add(top);
    await moveIfAbsent(layout, from, path.join(layout.metadataDir, name), result);
  }
  await fs.rmdir(legacyMetadata).catch(() => undefined);

  for (const name of LEGACY_STATE_FILES) {
    if (downloadTops.has(name)) {
      result.warnings.push(`${name} at the store root is a torrent's download, not the service's own file: it moves to ${DOWNLOADS_DIR}/ and a new one is made`);
      continue;
    }
    await moveIfAbsent(layout, path.join(layout.root, name), path.join(layout.stateDir, name), result);
  }

  for (const top of downloadTops) {
    if (top === DOWNLOADS_DIR || top === STATE_DIR) {
      result.warnings.push(`a torrent's data named "${top}" cannot move into ${DOWNLOADS_DIR}/: move it by hand`);
      continue;
    }
    await moveIfAbsent(layout, path.join(layout.root, top), path.join(layout.downloadsDir, top), result);
  }
}

/** The file or folder a torrent's data sat under at the store root (as the engine named it). */
async function topLevelName(torrentPath: string): Promise<string | undefined> {
  try {
    // The engine's own naming, so the data is found where the engine put it.
    const info = readInfo(await fs.readFile(torrentPath));
    return storeFilePaths(info.name ?? '', info.files?.map((f) => f.path))[0]?.split('/')[0];
  } catch {
    return undefined;
  }
}

async function moveIfAbsent(layout: StoreLayout, from: string, to: string, result: StoreMigration): Promise<void> {
  if (!(await exists(from)) || (await exists(to))) return;
  await fs.rename(from, to);
  result.moved.push(`${path.relative(layout.root, from)} -> ${path.relative(layout.root, to)}`);
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  return fs.readdir(dir).catch(() => []);
}
