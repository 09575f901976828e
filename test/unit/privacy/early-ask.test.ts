import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EARLY_FRONT_MIN, earlyVettingSize } from '../../../src/privacy/early-ask.js';

test('a cold walk asks early only once its front can estimate the network', () => {
  let estimated = 0;
  const estimate = () => (estimated++, 800);
  assert.equal(earlyVettingSize(EARLY_FRONT_MIN - 1, estimate, undefined), undefined);
  assert.equal(earlyVettingSize(EARLY_FRONT_MIN - 1, estimate, 0), undefined, 'a book without a converged estimate is no estimate');
  assert.equal(estimated, 0, 'a small front is never estimated from');
  assert.equal(earlyVettingSize(EARLY_FRONT_MIN, estimate, undefined), 800);
});

test('a warm walk vets its first nodes with the converged estimate, then with the smaller of both', () => {
  assert.equal(earlyVettingSize(1, () => 5, 1000), 1000, 'one answering seed is enough');
  assert.equal(earlyVettingSize(EARLY_FRONT_MIN, () => 600, 1000), 600, 'a lower walk estimate makes the rule stricter');
  assert.equal(earlyVettingSize(EARLY_FRONT_MIN, () => 4000, 1000), 1000, 'sybils inflating the walk estimate cannot loosen it');
});
