/**
 * Where everything lives under `--store`. Downloads and the service's own state are separate
 * trees: torrent file names (strangers' input) resolve only inside `downloads/`, so no name, `..`
 * segment, case variant or look-alike can reach the pairing token, the DLNA id or the resume
 * metadata in `.torrent-live/`. The seed's spy lists and the audit log stay at the store root,
 * where users and other clients look for them; the root itself is never a download target.
 *
 *   <store>/downloads/            torrent data (a folder per multi-file torrent)
 *   <store>/.torrent-live/        pairing-token (0600), dlna-udn
 *   <store>/.torrent-live/torrents/<infohash>.torrent   metadata kept for resume
 *   <store>/.torrent-live/library.json   the torrents the service holds (restored at start)
 *   <store>/.torrent-live/lock           the running process's pid and HTTP port (one per store)
 *   <store>/spies.txt, spies.p2p, audit.ndjson           the private lookup's outputs
 */
import path from 'node:path';

export const DOWNLOADS_DIR = 'downloads';
export const STATE_DIR = '.torrent-live';
export const METADATA_DIR = 'torrents';
export const LIBRARY_FILE = 'library.json';
export const LOCK_FILE = 'lock';

export interface StoreLayout {
  /** The `--store` folder, absolute. */
  root: string;
  /** Torrent data only. */
  downloadsDir: string;
  /** The service's secrets and state: nothing a torrent names can resolve here. */
  stateDir: string;
  /** `<infohash>.torrent` files kept for resume. */
  metadataDir: string;
  /** spies.txt, spies.p2p and audit.ndjson. */
  privacyDir: string;
  /** The torrents the service holds, in the order added (library-state.ts). */
  libraryFile: string;
  /** Held by the one process using this store (store-lock.ts). */
  lockFile: string;
}

export function storeLayout(storeDir: string): StoreLayout {
  const root = path.resolve(storeDir);
  const stateDir = path.join(root, STATE_DIR);
  return Object.freeze({
    root,
    downloadsDir: path.join(root, DOWNLOADS_DIR),
    stateDir,
    metadataDir: path.join(stateDir, METADATA_DIR),
    privacyDir: root,
    libraryFile: path.join(stateDir, LIBRARY_FILE),
    lockFile: path.join(stateDir, LOCK_FILE),
  });
}
