import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32ToHex, parseMagnet, resolveSource, splitSourceList, type SourceReader } from '../../../src/core/sources.js';
import { TorrentLiveError } from '../../../src/errors.js';

const HEX = 'c9e15763f722f23e98a29decdfae341b98d53056';
const HEX2 = 'dd8255ecdc7ca55fb0bbf81323d87062db1f6d1c';

test('base32 infohashes convert to the same hex', () => {
  // 20 bytes of 0x00..0x13 in base32 and hex, computed independently.
  const hex = Buffer.from(Array.from({ length: 20 }, (_, i) => i)).toString('hex');
  assert.equal(base32ToHex('AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT'), hex);
});

test('magnets: xt is required, trackers are ignored, dn is kept', () => {
  const s = parseMagnet(`magnet:?xt=urn:btih:${HEX.toUpperCase()}&dn=My%20Movie&tr=udp%3A%2F%2Ftracker.example%3A80`);
  assert.deepEqual(s, { kind: 'magnet', infoHash: HEX, name: 'My Movie', original: s.original });
  assert.throws(() => parseMagnet('magnet:?dn=nohash'), (e: unknown) => e instanceof TorrentLiveError && e.code === 'E_BAD_SOURCE');
  assert.throws(() => parseMagnet('magnet:?xt=urn:btih:1234'), /not a 40-hex/);
  assert.throws(() => parseMagnet('http://x'), /not a magnet/);
});

test('dash lists split only between complete sources', () => {
  const none = () => false;
  assert.deepEqual(splitSourceList(`${HEX}-${HEX2}`, none), [HEX, HEX2]);
  assert.deepEqual(splitSourceList(`magnet:?xt=urn:btih:${HEX}&dn=a-b`, none), [`magnet:?xt=urn:btih:${HEX}&dn=a-b`]);
  assert.deepEqual(splitSourceList(`magnet:?xt=urn:btih:${HEX}&dn=a-b-${HEX2}`, none), [`magnet:?xt=urn:btih:${HEX}&dn=a-b`, HEX2]);
  const files = new Set(['my-file.torrent', 'other.torrent']);
  assert.deepEqual(splitSourceList('my-file.torrent-other.torrent', (p) => files.has(p)), ['my-file.torrent', 'other.torrent']);
});

const reader = (files: Record<string, Buffer>): SourceReader => ({
  exists: (p) => p in files,
  size: (p) => files[p]!.length,
  read: (p) => files[p]!,
  decodeTorrent: async (b) => {
    if (!b.toString().startsWith('d8:announce')) throw new Error('bencode: invalid');
    return { infoHash: HEX, name: 'x' };
  },
});

test('resolveSource names the bad source and never guesses', async () => {
  const r = reader({ 'bad.torrent': Buffer.from('garbage') });
  await assert.rejects(resolveSource('bad.torrent', r), (e: unknown) => e instanceof TorrentLiveError && e.code === 'E_BAD_TORRENT' && e.message.includes('bad.torrent'));
  await assert.rejects(resolveSource('missing.torrent', r), (e: unknown) => e instanceof TorrentLiveError && e.code === 'E_BAD_SOURCE' && e.message.includes('missing.torrent'));
  await assert.rejects(resolveSource('hello', r), /neither an infohash/);
  assert.equal((await resolveSource(HEX.toUpperCase(), r)).infoHash, HEX);
});
