/**
 * `torrent-live export-strm DIR`: asks the running service (with the store's pairing token)
 * what it holds, and writes .strm files whose URLs point at the address the media server reaches.
 * The stream tokens are derived from the pairing token in the store folder, as the service does.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CatalogTorrent } from '../core/catalog.js';
import { TorrentLiveError } from '../errors.js';
import { createAuth } from '../server/auth.js';
import { PAIRING_TOKEN_FILE } from '../server/auth-token.js';
import { exportStrm } from './strm.js';

export interface ExportStrmFromServiceOptions {
  /** Where this machine reaches the service, e.g. http://127.0.0.1:8888. */
  serviceUrl: string;
  /** Where the media server reaches it, e.g. http://192.168.1.5:8888 (default: serviceUrl). */
  publicBaseUrl?: string;
  /** The store's state tree, where the pairing token is kept. */
  stateDir: string;
  dir: string;
}

export async function exportStrmFromService(opts: ExportStrmFromServiceOptions): Promise<string[]> {
  const tokenFile = path.join(opts.stateDir, PAIRING_TOKEN_FILE);
  let token: string;
  try {
    token = (await readFile(tokenFile, 'utf8')).trim();
  } catch (err) {
    throw new TorrentLiveError('E_STORE', `cannot read the pairing token ${tokenFile}: start the service with the same --store first`, { cause: err });
  }
  const auth = createAuth({ token, allowedHosts: () => [] });
  const listUrl = `${opts.serviceUrl.replace(/\/+$/, '')}/api/torrents`;
  let torrents: CatalogTorrent[];
  try {
    // The token is at hand anyway; sending it also works when the service does not trust loopback.
    const res = await fetch(listUrl, { headers: { accept: 'application/json', authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    torrents = (await res.json()) as CatalogTorrent[];
    if (!Array.isArray(torrents)) throw new Error('the answer is not a list');
  } catch (err) {
    throw new TorrentLiveError('E_NOT_FOUND', `no torrent-live service answered at ${listUrl} (${(err as Error).message}); start one with \`torrent-live serve\``, { cause: err });
  }
  return exportStrm({ list: () => torrents }, auth, opts.publicBaseUrl ?? opts.serviceUrl, opts.dir);
}
