/**
 * Reading .torrent files for resolveSource. The checks are the engine's own (torrent-meta.ts), so
 * a .torrent accepted here is one the engine can start, and the rules live in one place.
 */
import fs from 'node:fs';
import type { SourceReader } from './sources.js';
import { parseMeta, type TorrentMeta } from './torrent-meta.js';

export async function decodeTorrent(bytes: Buffer): Promise<{ infoHash: string; name?: string; meta: TorrentMeta }> {
  const meta = await parseMeta(bytes);
  return { infoHash: meta.infoHash, ...(meta.name !== meta.infoHash ? { name: meta.name } : {}), meta };
}

export const fileSourceReader: SourceReader = {
  exists: (p) => {
    try {
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  },
  size: (p) => fs.statSync(p).size,
  read: (p) => fs.readFileSync(p),
  decodeTorrent,
};
