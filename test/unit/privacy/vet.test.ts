import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dnsblLookup, isMultiAddress, newAddressBook, noteAddress, sybilThresholdBits, vetNodes, type NodeRecord } from '../../../src/privacy/vet.js';
import { makeDecoy } from '../../../src/privacy/decoy.js';
import { bep42NodeId } from '../../../src/privacy/bep42.js';
import { randomId } from '../../../src/privacy/node-id.js';
import { seededBytes } from './seeded.js';

const bytes = seededBytes(42);
const target = randomId(bytes);
const near = (bits: number) => makeDecoy(target, { sharedBits: bits, randomBytes: bytes });
const node = (host: string, bits: number, extra: Partial<NodeRecord> = {}): NodeRecord => ({ id: near(bits), host, port: 6881, ...extra });

test('each rule drops the node it targets, with its reason', () => {
  const book = newAddressBook();
  const nodes = [
    node('127.1.0.1', 8),
    node('127.1.0.2', 9, { answeredDecoyWithValues: true }),
    node('127.1.0.3', 10),
    node('127.1.0.4', 30),
    node('127.1.0.5', 7),
    node('127.1.0.6', 8),
    node('127.1.0.7', 8),
    node('127.1.0.8', 8),
    node('127.1.0.9', 8),
  ];
  for (const n of nodes) noteAddress(book, n.host, n.port, n.id);
  noteAddress(book, '127.1.0.3', 6882); // a second port
  noteAddress(book, '127.1.0.5', 6881, randomId(bytes)); // a second node ID
  const result = vetNodes(nodes, [target], book, {
    networkSize: 256, // log2 = 8, threshold 14 bits
    dnsblListed: new Set(['127.1.0.6']),
    isKnownSpy: (ip) => ip === '127.1.0.7',
    isBlocklisted: (ip) => ip === '127.1.0.8',
    isSuspect: (ip) => ip === '127.1.0.9',
  });
  const reasons = Object.fromEntries(result.dropped.map((d) => [d.node.host, d.reasons]));
  assert.deepEqual(reasons, {
    '127.1.0.2': ['decoy-values'],
    '127.1.0.3': ['two-addresses'],
    '127.1.0.4': ['sybil'],
    '127.1.0.5': ['two-addresses'],
    '127.1.0.6': ['dnsbl'],
    '127.1.0.7': ['known-spy'],
    '127.1.0.8': ['blocklisted'],
    '127.1.0.9': ['suspect'],
  });
  assert.deepEqual(result.kept.map((n) => n.host), ['127.1.0.1']);
  assert.equal(result.sybilThresholdBits, 14);
  assert.equal(result.sybilListThresholdBits, 21);
  const verdicts = Object.fromEntries(result.dropped.map((d) => [d.node.host, d.verdict]));
  assert.deepEqual(verdicts, { '127.1.0.2': 'spy', '127.1.0.3': 'suspect', '127.1.0.4': 'spy', '127.1.0.5': 'suspect', '127.1.0.6': 'spy', '127.1.0.7': 'excluded', '127.1.0.8': 'excluded', '127.1.0.9': 'excluded' });
});

test('one weak signal makes a suspect; two different ones, now or remembered, list the node', () => {
  const book = newAddressBook();
  const close = node('127.4.0.1', 16); // 16 bits at 256 nodes: past 14 (weak), short of 21 (strong)
  const both = node('127.4.0.2', 16);
  const three = node('127.4.0.3', 8);
  for (const n of [close, both, three]) noteAddress(book, n.host, n.port, n.id);
  noteAddress(book, '127.4.0.2', 6882);
  noteAddress(book, '127.4.0.3', 6882);
  noteAddress(book, '127.4.0.3', 6883);
  const rules = { networkSize: 256, bep42MinKeep: 0 };
  const r = vetNodes([close, both, three], [target], book, rules);
  assert.deepEqual(r.dropped.map((d) => [d.node.host, d.reasons, d.verdict]), [
    ['127.4.0.1', ['close-id'], 'suspect'],
    ['127.4.0.2', ['two-addresses', 'close-id'], 'spy'],
    ['127.4.0.3', ['multi-port'], 'spy'],
  ]);
  const again = vetNodes([close], [target], book, { ...rules, isSuspect: () => true, weakSignals: () => new Set(['close-id']) });
  assert.equal(again.dropped[0]!.verdict, 'suspect', 'the same weak signal seen again is not new evidence');
  const other = vetNodes([close], [target], book, { ...rules, isSuspect: () => true, weakSignals: () => new Set(['two-addresses']) });
  assert.equal(other.dropped[0]!.verdict, 'spy', 'a different weak signal from an earlier lookup lists it');
});

test('the sybil threshold follows the estimated network size', () => {
  const table: Array<[number, number, boolean]> = [
    // size, shared bits with the target, dropped as sybil?
    [200, 12, false],
    [200, 16, true],
    [2 ** 24, 24, false],
    [2 ** 24, 30, false],
    [2 ** 24, 31, true],
  ];
  for (const [size, bits, sybil] of table) {
    const n = node('127.2.0.1', bits);
    const r = vetNodes([n], [target], newAddressBook(), { networkSize: size, bep42MinKeep: 0 });
    assert.equal(r.dropped.length === 1, sybil, `size ${size}, ${bits} bits`);
  }
  assert.equal(sybilThresholdBits(2 ** 20, 4), 24);
});

test('closeness to any target counts (walk target or real infohash)', () => {
  const decoy = makeDecoy(target, { randomBytes: bytes });
  const n = node('127.2.0.2', 40);
  assert.equal(vetNodes([n], [decoy], newAddressBook(), { networkSize: 2 ** 28 }).dropped.length, 0, '30 bits from the decoy is normal at 2^28 nodes');
  assert.equal(vetNodes([n], [decoy, target], newAddressBook(), { networkSize: 2 ** 28 }).dropped.length, 1, '40 bits from the real one is not');
});

test('BEP 42 breakers are dropped only while enough others remain', () => {
  const good = Array.from({ length: 3 }, (_, i) => ({ id: bep42NodeId(`8.8.8.${i + 1}`, i, randomId(bytes)), host: `8.8.8.${i + 1}`, port: 1 }));
  const bad = { id: randomId(bytes), host: '9.9.9.9', port: 1 };
  const book = newAddressBook();
  const strict = vetNodes([...good, bad], [target], book, { networkSize: 1000, bep42MinKeep: 3 });
  assert.deepEqual(strict.dropped.map((d) => [d.node.host, d.reasons]), [['9.9.9.9', ['bep42']]]);
  const lenient = vetNodes([...good, bad], [target], book, { networkSize: 1000, bep42MinKeep: 4 });
  assert.equal(lenient.kept.length, 4);
});

test('address book: several ports or IDs make an IP multi-address', () => {
  const book = newAddressBook();
  noteAddress(book, '127.3.0.1', 1, Buffer.alloc(20, 1));
  noteAddress(book, '127.3.0.1', 1, Buffer.alloc(20, 1));
  noteAddress(book, '127.3.0.1', 1);
  assert.equal(isMultiAddress(book, '127.3.0.1'), false);
  noteAddress(book, '127.3.0.1', 2);
  assert.equal(isMultiAddress(book, '127.3.0.1'), true);
  assert.equal(isMultiAddress(book, '127.3.0.2'), false);
});

test('DNSBL lookups go through the injected resolver; failures count as not listed', async () => {
  const asked: string[] = [];
  const listed = await dnsblLookup(['1.1.1.1', '2.2.2.2', '3.3.3.3', '1.1.1.1'], async (ip) => {
    asked.push(ip);
    if (ip === '3.3.3.3') throw new Error('SERVFAIL');
    return ip === '2.2.2.2';
  });
  assert.deepEqual([...listed], ['2.2.2.2']);
  assert.deepEqual(asked.sort(), ['1.1.1.1', '2.2.2.2', '3.3.3.3']);
});
