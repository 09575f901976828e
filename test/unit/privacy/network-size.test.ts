import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateNetworkSize, expectedPrefixBits } from '../../../src/privacy/network-size.js';
import { compareDistance, randomId } from '../../../src/privacy/node-id.js';
import { makeDecoy } from '../../../src/privacy/decoy.js';
import { seededBytes } from './seeded.js';

function closestOf(n: number, k: number, seed: number, extra: Buffer[] = []) {
  const bytes = seededBytes(seed);
  const target = randomId(bytes);
  const ids = [...Array.from({ length: n }, () => randomId(bytes)), ...extra.map((e) => e)];
  return { target, bytes, closest: (t: Buffer) => [...ids].sort((a, b) => compareDistance(t, a, b)).slice(0, k) };
}

test('network size is estimated within a factor of two from the 40 closest', () => {
  for (const [n, seed] of [[200, 1], [1000, 2], [5000, 3], [20000, 4]] as const) {
    const { target, closest } = closestOf(n, 40, seed);
    const est = estimateNetworkSize(target, closest(target));
    assert.ok(est > n / 2 && est < n * 2, `n=${n} estimated ${Math.round(est)}`);
  }
});

test('a pack of sybils next to the target barely moves the estimate', () => {
  const bytes = seededBytes(9);
  const target = randomId(bytes);
  const sybils = Array.from({ length: 8 }, () => makeDecoy(target, { sharedBits: 40, randomBytes: bytes }));
  const ids = [...Array.from({ length: 1000 }, () => randomId(bytes)), ...sybils].sort((a, b) => compareDistance(target, a, b)).slice(0, 40);
  const est = estimateNetworkSize(target, ids);
  assert.ok(est > 500 && est < 2500, `estimated ${Math.round(est)}`);
});

test('degenerate inputs and the expected prefix', () => {
  assert.equal(estimateNetworkSize(Buffer.alloc(20), []), 0);
  assert.equal(estimateNetworkSize(Buffer.alloc(20), [Buffer.alloc(20)]), 1);
  assert.equal(expectedPrefixBits(1024), 10);
  assert.equal(expectedPrefixBits(2 ** 24), 24);
  assert.equal(expectedPrefixBits(0), 0);
});
