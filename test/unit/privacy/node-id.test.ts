import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commonPrefixBits, compareDistance, distanceFraction, idFromHex, xorDistance, randomId } from '../../../src/privacy/node-id.js';
import { makeDecoy, DECOY_SHARED_BITS } from '../../../src/privacy/decoy.js';
import { seededBytes } from './seeded.js';

const Z = '0'.repeat(40);
const hex = (prefix: string) => (prefix + Z).slice(0, 40);

test('commonPrefixBits counts shared leading bits', () => {
  const cases: Array<[string, string, number]> = [
    [Z, Z, 160],
    [Z, hex('8'), 0],
    [Z, hex('4'), 1],
    [Z, hex('01'), 7],
    [Z, hex('0080'), 8],
    [Z, hex('00000001'), 31],
    [hex('ff'), hex('fe'), 7],
    [Z, '0'.repeat(39) + '1', 159],
  ];
  for (const [a, b, bits] of cases) assert.equal(commonPrefixBits(idFromHex(a), idFromHex(b)), bits, `${a} vs ${b}`);
});

test('xorDistance and compareDistance order by XOR metric', () => {
  const t = idFromHex(hex('f0'));
  assert.equal(xorDistance(t, idFromHex(hex('0f'))).toString('hex'), hex('ff'));
  assert.ok(compareDistance(t, idFromHex(hex('f1')), idFromHex(hex('e0'))) < 0);
  assert.ok(compareDistance(t, idFromHex(hex('70')), idFromHex(hex('e0'))) > 0);
  assert.equal(compareDistance(t, t, t), 0);
  assert.equal(distanceFraction(idFromHex(Z), idFromHex(hex('8'))), 0.5);
  assert.equal(distanceFraction(idFromHex(Z), idFromHex(hex('01'))), 1 / 256);
});

test('idFromHex refuses what is not 40 hex characters', () => {
  assert.throws(() => idFromHex('abc'), RangeError);
  assert.throws(() => idFromHex('z'.repeat(40)), RangeError);
});

test('decoys share exactly the requested leading bits and are random after them', () => {
  const bytes = seededBytes(7);
  for (const sharedBits of [0, 1, 7, 8, 29, DECOY_SHARED_BITS, 31, 159]) {
    const real = randomId(bytes);
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const decoy = makeDecoy(real, { sharedBits, randomBytes: bytes });
      assert.equal(commonPrefixBits(real, decoy), sharedBits, `shared ${sharedBits}`);
      seen.add(decoy.toString('hex'));
    }
    if (sharedBits < 150) assert.equal(seen.size, 20, 'every decoy differs');
  }
  assert.equal(commonPrefixBits(Buffer.alloc(20), makeDecoy(Buffer.alloc(20))), DECOY_SHARED_BITS, 'default is 30 bits');
  assert.throws(() => makeDecoy(Buffer.alloc(20), { sharedBits: 160 }), RangeError);
});
