import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { QueryRate } from '../../../src/privacy/query-rate.js';
import { startCrawler } from '../../../src/privacy/crawler.js';
import { SpyWatch } from '../../../src/privacy/spy-watch.js';
import { commonPrefixBits } from '../../../src/privacy/node-id.js';
import { decodeBounded, encode, type BDict } from '../../../src/privacy/bencode-bounded.js';
import { closesAfter } from '../../sim/cleanup.js';

test('query rate: flags once past the limit inside the window, forgets old hits', () => {
  const rate = new QueryRate(1000, 3);
  assert.deepEqual([0, 100, 200].map((t) => rate.hit('1.1.1.1', t)), [false, false, false]);
  assert.equal(rate.hit('1.1.1.1', 300), true);
  assert.equal(rate.hit('1.1.1.1', 400), false, 'flagged once');
  assert.equal(rate.count('1.1.1.1', 1150), 3);
  assert.equal(rate.hit('2.2.2.2', 0), false);
});

test('crawler answers queries and flags an IP hammering the infohash', async (t) => {
  const own = closesAfter(t);
  const infoHash = 'ab'.repeat(20);
  const watch = new SpyWatch({});
  const crawler = own(await startCrawler({ infoHash, bootstrap: [], watch, bindAddress: '127.32.0.1', rate: new QueryRate(60_000, 5) }));
  const sock = own(dgram.createSocket('udp4'), (socket) => socket.close());
  await new Promise<void>((r) => sock.bind(0, '127.32.0.2', () => r()));
  assert.ok(commonPrefixBits(crawler.id, Buffer.from(infoHash, 'hex')) >= 40);
  const replies: BDict[] = [];
  sock.on('message', (m) => replies.push(decodeBounded(m) as BDict));
  const { host, port } = crawler.address();
  for (let i = 0; i < 7; i++) sock.send(encode({ t: Buffer.from([1, i]), y: Buffer.from('q'), q: Buffer.from('get_peers'), a: { id: Buffer.alloc(20, 3), info_hash: Buffer.from(infoHash, 'hex') } }), port, host);
  while (replies.length < 7) await new Promise((r) => setTimeout(r, 10));
  assert.ok(replies.every((r) => Buffer.isBuffer((r['r'] as BDict)['token'])), 'answered like a node');
  assert.equal(watch.registry.get('127.32.0.2')?.reasons.has('crawler'), true);
  assert.equal(watch.registry.get('127.32.0.1'), undefined);
});
