import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BencodeError, decodeBounded, encode, MAX_DEPTH } from '../../../src/privacy/bencode-bounded.js';
import { decodeNodes, decodePeer, encodeNodes, encodePeer } from '../../../src/privacy/compact.js';

test('decodes what it encodes', () => {
  const value = { a: [1, -2, 0, Buffer.from('xyz')], t: Buffer.from([0, 255]), z: { nested: 42 } };
  const bytes = encode(value);
  assert.equal(bytes.toString('latin1'), 'd1:ali1ei-2ei0e3:xyze1:t2:\x00\xff1:zd6:nestedi42eee');
  // Dicts decode with a null prototype (no __proto__ tricks); compare as plain objects.
  assert.deepEqual(plain(decodeBounded(bytes)), { a: [1, -2, 0, Buffer.from('xyz')], t: Buffer.from([0, 255]), z: { nested: 42 } });
});

const plain = (v: unknown): unknown => (Buffer.isBuffer(v) || typeof v !== 'object' || v === null ? v : Array.isArray(v) ? v.map(plain) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])));

test('a __proto__ key is just a key', () => {
  const d = decodeBounded(Buffer.from('d9:__proto__d1:xi1eee')) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(d), null);
  assert.ok(Object.hasOwn(d, '__proto__'));
});

test('rejects malformed and hostile input', () => {
  const bad = [
    '', 'i', 'i12', 'i-0e', 'i01e', 'ie', 'i99999999999999999999e', '5:abc', '-1:a', '01:a', 'l', 'd1:a', 'di1ei2ee', 'x', 'i1ei2e', 'l'.repeat(MAX_DEPTH + 2) + 'e'.repeat(MAX_DEPTH + 2),
    'l' + 'i0e'.repeat(5000) + 'e', '9999999999999999999999:a',
  ];
  for (const text of bad) assert.throws(() => decodeBounded(Buffer.from(text, 'latin1')), BencodeError, JSON.stringify(text.slice(0, 30)));
  assert.throws(() => decodeBounded(Buffer.alloc(70_000, 0x30)), BencodeError);
});

test('compact peers and nodes round-trip; malformed lengths give nothing', () => {
  const peer = { host: '127.5.6.7', port: 6881 };
  assert.deepEqual(decodePeer(encodePeer(peer)), peer);
  assert.equal(decodePeer(Buffer.alloc(5)), null);
  assert.equal(decodePeer(Buffer.from([1, 2, 3, 4, 0, 0])), null, 'port 0');
  const nodes = [{ id: Buffer.alloc(20, 1), host: '127.0.0.9', port: 9 }, { id: Buffer.alloc(20, 2), host: '10.1.1.1', port: 65535 }];
  assert.deepEqual(decodeNodes(encodeNodes(nodes)), nodes);
  assert.deepEqual(decodeNodes(Buffer.alloc(27)), []);
});
