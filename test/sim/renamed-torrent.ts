/**
 * The same bytes under other names: a hostile torrent whose `name` and file paths are chosen by
 * the test (climbing `..`, state-file names, look-alikes). The seeder serves `content` by piece,
 * so only the metadata changes, and with it the infohash.
 */
import crypto from 'node:crypto';
import bencode from 'bencode';
import type { TorrentFixture } from './fixtures.js';

interface RawInfo {
  name: Uint8Array;
  files?: Array<{ path: Uint8Array[] }>;
}

export function renamedTorrent(fx: TorrentFixture, names: { name?: string; paths?: string[][] }): TorrentFixture {
  const torrent = bencode.decode(fx.torrentFile) as { info: RawInfo };
  if (names.name !== undefined) torrent.info.name = Buffer.from(names.name);
  if (names.paths) {
    const files = torrent.info.files;
    if (!files || files.length !== names.paths.length) throw new Error(`renamedTorrent: the fixture has ${files?.length ?? 1} file(s), ${names.paths.length} paths given`);
    files.forEach((f, i) => (f.path = names.paths![i]!.map((s) => Buffer.from(s))));
  }
  const torrentFile = Buffer.from(bencode.encode(torrent));
  const infoHash = crypto.createHash('sha1').update(bencode.encode(torrent.info)).digest('hex');
  return { ...fx, torrentFile, infoHash, magnet: `magnet:?xt=urn:btih:${infoHash}` };
}
