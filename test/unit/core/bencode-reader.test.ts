import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import bencode from 'bencode';
import { BencodeError, BencodeReader, MAX_BENCODE_DEPTH } from '../../../src/core/bencode-reader.js';
import { MAX_PATH_SEGMENTS, parseMeta, readInfo } from '../../../src/core/torrent-meta.js';
import { manyFileTorrent } from '../../sim/many-files.js';

const reader = (text: string) => new BencodeReader(Buffer.from(text, 'latin1'));

test('skip finds where each value ends without building it', () => {
  assert.equal(reader('i-42e').skip(0), 5);
  assert.equal(reader('4:spam').skip(0), 6);
  assert.equal(reader('0:').skip(0), 2);
  assert.equal(reader('le').skip(0), 2);
  assert.equal(reader('d1:ali1ei2eee1:b').skip(0), 13);
  assert.equal(reader('xd3:keyle3:one4:spamee').skip(1), 21);
});

test('a truncated or malformed value says where, and never reads past the end', () => {
  for (const bad of ['', 'i12', 'ie', 'i1x2e', '5:abc', '4spam', 'l', 'd3:key', 'lli1e', 'x', '99999999999:a']) {
    assert.throws(() => reader(bad).skip(0), BencodeError, JSON.stringify(bad));
  }
  assert.throws(() => reader('i99999999999999999999e').intAt(0), /too large|malformed/);
});

test('nesting is bounded: a stranger cannot make the walk deep', () => {
  const ok = 'l'.repeat(MAX_BENCODE_DEPTH) + 'e'.repeat(MAX_BENCODE_DEPTH);
  assert.equal(reader(ok).skip(0), ok.length);
  const deep = 'l'.repeat(100_000) + 'e'.repeat(100_000);
  assert.throws(() => reader(deep).skip(0), /nesting deeper than/);
});

test('dict and list walk entries in place; unread values are skipped', () => {
  const r = reader('d1:ai7e1:bl2:xy2:zwe1:cd1:dleee');
  const seen: string[] = [];
  const end = r.dict(0, (key, at) => {
    seen.push(`${r.utf8(key)}:${r.kindAt(at)}`);
    if (!r.is(key, 'b')) return undefined;
    return r.list(at, (item) => {
      const range = r.bytesAt(item);
      seen.push(r.utf8(range));
      return range.end;
    });
  });
  assert.equal(end, r.bytes.length);
  assert.deepEqual(seen, ['a:int', 'b:list', 'xy', 'zw', 'c:dict']);
});

test('readInfo reads what bencode decodes, and hashes the info dictionary\'s own bytes', async () => {
  const info = { name: Buffer.from('Show'), 'piece length': 16384, pieces: crypto.randomBytes(40), files: [
    { length: 10_000, path: [Buffer.from('a'), Buffer.from('e01.mkv')] },
    { length: 20_000, path: [Buffer.from('x')], 'path.utf-8': [Buffer.from('é.srt')], extra: { nested: [1, 2] } },
  ], private: 0 };
  const file = Buffer.from(bencode.encode({ announce: 'http://t', info, comment: 'after' }));
  const read = readInfo(file);
  assert.equal(read.name, 'Show');
  assert.equal(read.pieceLength, 16384);
  assert.equal(read.pieces, info.pieces.toString('hex'));
  assert.deepEqual(read.files, [{ length: 10_000, path: ['a', 'e01.mkv'] }, { length: 20_000, path: ['é.srt'] }]);
  const meta = await parseMeta(file);
  assert.equal(meta.infoHash, crypto.createHash('sha1').update(bencode.encode(info)).digest('hex'));
  assert.deepEqual(meta.files.map((f) => [f.name, f.offset]), [['Show/a/e01.mkv', 0], ['Show/é.srt', 10_000]]);
});

test('parseMeta of a generated many-file torrent matches its infohash and names', async () => {
  const big = manyFileTorrent(2_000);
  const meta = await parseMeta(big.torrentFile, big.infoHash);
  assert.equal(meta.files.length, 2_000);
  assert.equal(meta.files[1_999]!.name, 'many files/season 1/episode 1999.mp4');
});

test('readInfo refuses shapes no torrent has, naming what is wrong', async () => {
  const base = { name: Buffer.from('T'), 'piece length': 16384, pieces: Buffer.alloc(20) };
  const meta = (info: object) => parseMeta(Buffer.from(bencode.encode({ info })));
  await assert.rejects(meta({ ...base, files: [{ length: -1, path: [Buffer.from('a')] }] }), /usable length/);
  await assert.rejects(meta({ ...base, files: [{ length: 1, path: [7] }] }), /path holds something other than names/);
  await assert.rejects(meta({ ...base, files: [{ length: 1, path: Array.from({ length: MAX_PATH_SEGMENTS + 1 }, () => Buffer.from('a')) }] }), /more than 256 segments/);
  await assert.rejects(meta({ ...base, files: 'x' }), /usable length/);
  await assert.rejects(parseMeta(Buffer.from(bencode.encode({ info: 5 }))), /info is not a dictionary/);
  await assert.rejects(parseMeta(Buffer.from('d4:infod4:name')), /does not decode/);
  await assert.rejects(parseMeta(Buffer.from('de')), /no info dictionary/);
  // What follows `info` at the top level is never read, as before.
  const info = { ...base, length: 100 };
  const ok = Buffer.concat([Buffer.from('d4:info'), Buffer.from(bencode.encode(info)), Buffer.from('7:garbage')]);
  assert.equal((await parseMeta(ok)).length, 100);
});
