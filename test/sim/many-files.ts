/**
 * A .torrent naming tens of thousands of files, made as metadata only (no data, random piece
 * hashes): what a hostile or merely huge torrent puts in front of every listing.
 */
import crypto from 'node:crypto';
import bencode from 'bencode';

export interface ManyFileTorrent {
  torrentFile: Buffer;
  infoHash: string;
  fileCount: number;
}

export function manyFileTorrent(fileCount: number, opts: { fileLength?: number; pieceLength?: number; name?: string } = {}): ManyFileTorrent {
  const fileLength = opts.fileLength ?? 1_000;
  const pieceLength = opts.pieceLength ?? 256 * 1024;
  const files = Array.from({ length: fileCount }, (_, i) => ({
    length: fileLength,
    path: [Buffer.from(`season ${Math.floor(i / 1000)}`), Buffer.from(`episode ${i}.mp4`)],
  }));
  const pieces = Math.ceil((fileCount * fileLength) / pieceLength);
  const info = { name: Buffer.from(opts.name ?? 'many files'), 'piece length': pieceLength, pieces: crypto.randomBytes(20 * pieces), files };
  const torrentFile = Buffer.from(bencode.encode({ info }));
  const infoHash = crypto.createHash('sha1').update(bencode.encode(info)).digest('hex');
  return { torrentFile, infoHash, fileCount };
}
