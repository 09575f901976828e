import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToBase64, checkSource, checkTorrentFile, MAX_TORRENT_FILE_BYTES } from '../../../src/web/client/source-input.js';

const HEX = '0123456789abcdef0123456789abcdef01234567';
const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

test('checkSource accepts infohashes and magnets with a valid btih', () => {
  assert.deepEqual(checkSource(` ${HEX}\n`), { ok: true, source: HEX, kind: 'infohash' });
  assert.deepEqual(checkSource(B32.toUpperCase()), { ok: true, source: B32.toUpperCase(), kind: 'infohash' });
  const magnet = `magnet:?xt=urn:btih:${HEX}&dn=A+B&tr=udp%3A%2F%2Fx`;
  assert.deepEqual(checkSource(magnet), { ok: true, source: magnet, kind: 'magnet' });
  assert.equal(checkSource(`magnet:?dn=x&xt=urn:ed2k:abc&xt=urn:btih:${B32}`).ok, true, 'btih among other topics');
});

test('checkSource explains each kind of garbage', () => {
  const message = (text: string) => {
    const r = checkSource(text);
    assert.equal(r.ok, false, text);
    return r.ok ? '' : r.message;
  };
  assert.match(message(''), /Paste a magnet link/);
  assert.match(message('magnet:?dn=only-a-name'), /no BitTorrent infohash/);
  assert.match(message('magnet:?xt=urn:btih:zz'), /damaged/);
  assert.match(message(`magnet:?xt=urn:btih:${HEX}0`), /damaged/);
  assert.match(message('abc123'), /40 hex characters; this one has 6/);
  assert.match(message('https://example.com/file.torrent'), /neither a magnet link nor an infohash/);
});

test('checkTorrentFile refuses empty and oversized files before reading them', () => {
  assert.deepEqual(checkTorrentFile({ name: 'a.torrent', size: 1000 }), { ok: true });
  assert.deepEqual(checkTorrentFile({ name: 'a.torrent', size: MAX_TORRENT_FILE_BYTES }), { ok: true });
  assert.match(JSON.stringify(checkTorrentFile({ name: 'a.torrent', size: 0 })), /is empty/);
  assert.match(JSON.stringify(checkTorrentFile({ name: 'big.torrent', size: MAX_TORRENT_FILE_BYTES + 1 })), /too large/);
});

test('bytesToBase64 matches Node for small and chunk-crossing inputs', () => {
  for (const size of [0, 1, 2, 3, 0x8000, 0x8001, 100_000]) {
    const bytes = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 0xff);
    assert.equal(bytesToBase64(bytes), Buffer.from(bytes).toString('base64'), `size ${size}`);
  }
});
