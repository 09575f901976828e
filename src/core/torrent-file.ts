/** Reading .torrent files from disk for resolveSource, with parse-torrent doing the decoding. */
import fs from 'node:fs';
import parseTorrent from 'parse-torrent';
import type { SourceReader } from './sources.js';

export async function decodeTorrent(bytes: Buffer): Promise<{ infoHash: string; name?: string }> {
  const parsed = await parseTorrent(bytes);
  if (!parsed.infoHash || !parsed.info) throw new Error('no info dictionary');
  if (!Array.isArray(parsed.pieces) || parsed.pieces.length === 0) throw new Error('no pieces');
  return { infoHash: parsed.infoHash, ...(typeof parsed.name === 'string' ? { name: parsed.name } : {}) };
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
