/**
 * Reading .torrent files for resolveSource: the infohash and name, checked cheaply. The engine
 * parses the metadata fully once it starts (torrent-meta.ts); parsing it here too cost a
 * 50,000-file torrent half a second and as much garbage, for two fields.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { SourceReader } from './sources.js';
import { rawInfo } from './torrent-meta.js';

export async function decodeTorrent(bytes: Buffer): Promise<{ infoHash: string; name?: string }> {
  const { info, infoBytes } = rawInfo(bytes);
  const pieces = info['pieces'];
  if (!(pieces instanceof Uint8Array) || pieces.length === 0 || pieces.length % 20 !== 0) throw new Error('no pieces');
  const pieceLength = info['piece length'];
  if (typeof pieceLength !== 'number' || !Number.isSafeInteger(pieceLength) || pieceLength <= 0) throw new Error('no piece length');
  const files = info['files'];
  if (typeof info['length'] !== 'number' && !(Array.isArray(files) && files.length > 0)) throw new Error('no files');
  const rawName = info['name.utf-8'] ?? info['name'];
  const name = rawName instanceof Uint8Array ? Buffer.from(rawName).toString('utf8') : undefined;
  const infoHash = crypto.createHash('sha1').update(infoBytes).digest('hex');
  return { infoHash, ...(name ? { name } : {}) };
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
