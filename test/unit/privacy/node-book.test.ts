import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatNodeBook, NODE_BOOK_FILE, NODE_BOOK_MAX_AGE_MS, NodeBook, parseNodeBook } from '../../../src/privacy/node-book.js';
import { readNodeBook, writeNodeBook } from '../../../src/privacy/node-book-file.js';
import { compareDistance } from '../../../src/privacy/node-id.js';

const id = (first: number, rest = 0) => Buffer.concat([Buffer.from([first]), Buffer.alloc(19, rest)]);
const node = (i: number) => ({ id: id(i, i), host: `10.0.${i >> 8}.${i & 255}`, port: 6881 + (i % 3) });

test('the walk is seeded with the remembered nodes closest to its target, spies and stale nodes left out', () => {
  const book = new NodeBook();
  book.learn(Array.from({ length: 200 }, (_, i) => node(i)), 1_000);
  const target = id(77, 5);
  const seeds = book.closest(target, 10, { now: 2_000, exclude: (ip) => ip === node(77).host });
  assert.equal(seeds.length, 10);
  assert.ok(!seeds.some((s) => s.host === node(77).host), 'a spy is never a seed');
  const sorted = [...seeds].sort((a, b) => compareDistance(target, a.id, b.id));
  assert.deepEqual(seeds, sorted, 'closest first');
  const all = Array.from({ length: 200 }, (_, i) => node(i)).filter((n) => n.host !== node(77).host).sort((a, b) => compareDistance(target, a.id, b.id));
  assert.deepEqual(seeds.map((s) => s.host), all.slice(0, 10).map((n) => n.host), 'the true 10 closest');
  assert.equal(book.closest(target, 10, { now: 1_000 + NODE_BOOK_MAX_AGE_MS + 1 }).length, 0, 'not heard for a week: not used');
});

test('the book keeps the most recently heard nodes up to its cap, and forgets an IP on every port', () => {
  const book = new NodeBook(50);
  book.learn(Array.from({ length: 60 }, (_, i) => node(i)), 1);
  book.learn([node(0)], 2);
  assert.equal(book.size, 50);
  const hosts = new Set(book.state().nodes.map((n) => n.host));
  assert.ok(hosts.has(node(0).host), 'heard again: kept');
  assert.ok(!hosts.has(node(10).host) && hosts.has(node(11).host), 'the least recently heard went first');
  book.learn([{ ...node(20), port: 9999 }], 3);
  book.forget(node(20).host);
  assert.ok(!book.state().nodes.some((n) => n.host === node(20).host));
  book.forgetSilent([{ host: node(30).host, port: node(30).port }]);
  assert.ok(!book.state().nodes.some((n) => n.host === node(30).host), 'silent in a walk: forgotten');
});

test('dht-nodes.json round-trips, and anything malformed is skipped rather than trusted', () => {
  const book = new NodeBook();
  book.learn([node(1), node(2)], 123);
  book.networkSize = 1234.6;
  const parsed = parseNodeBook(formatNodeBook(book.state()));
  assert.equal(parsed.networkSize, 1235);
  assert.deepEqual(parsed.nodes.map((n) => [n.id.toString('hex'), n.host, n.port, n.seen]), book.state().nodes.map((n) => [n.id.toString('hex'), n.host, n.port, n.seen]));
  const hostile = JSON.stringify({ version: 1, networkSize: 'x', nodes: [['zz', '10.0.0.1', 1, 1], [id(1).toString('hex'), 'not-an-ip', 1, 1], [id(1).toString('hex'), '10.0.0.1', 70000, 1], [id(1).toString('hex'), '10.0.0.1', 80, 'x'], 'junk', [id(3).toString('hex'), '10.0.0.3', 80, 5]] });
  const kept = parseNodeBook(hostile);
  assert.equal(kept.networkSize, 0);
  assert.deepEqual(kept.nodes.map((n) => n.host), ['10.0.0.3']);
  assert.deepEqual(parseNodeBook('{not json'), { networkSize: 0, nodes: [] });
  assert.deepEqual(parseNodeBook(JSON.stringify({ version: 2, nodes: [] })), { networkSize: 0, nodes: [] });
  assert.equal(parseNodeBook(' '.repeat(2 * 1024 * 1024)).nodes.length, 0, 'oversized: not ours');
});

test('the book is written atomically to the store and read back; a missing file is a cold start', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-node-book-'));
  try {
    assert.deepEqual(await readNodeBook(dir), { networkSize: 0, nodes: [] });
    const book = new NodeBook();
    book.learn([node(5)], 9);
    await writeNodeBook(dir, book.state());
    assert.deepEqual(fs.readdirSync(dir), [NODE_BOOK_FILE], 'no temporary file left');
    assert.deepEqual((await readNodeBook(dir)).nodes.map((n) => n.host), [node(5).host]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
