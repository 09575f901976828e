import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RttEstimator, RTT_MIN_TIMEOUT_MS } from '../../../src/privacy/rtt.js';

test('before any answer the wait is the cap; after, a few RTTs within [min, cap]', () => {
  const rtt = new RttEstimator(2_000);
  assert.equal(rtt.timeoutFor('a:1'), 2_000);
  for (let i = 0; i < 20; i++) rtt.record('a:1', 40);
  assert.equal(rtt.timeoutFor('a:1'), RTT_MIN_TIMEOUT_MS, 'a steady 40 ms node: the floor');
  for (let i = 0; i < 20; i++) rtt.record('b:1', 300);
  assert.ok(rtt.timeoutFor('b:1') >= 600 && rtt.timeoutFor('b:1') <= 700, `a 300 ms node: ${rtt.timeoutFor('b:1')}`);
  assert.ok(rtt.timeoutFor('never:1') > RTT_MIN_TIMEOUT_MS && rtt.timeoutFor('never:1') < 2_000, 'an unknown node gets the estimate over all nodes');
  rtt.record('c:1', 5_000);
  assert.equal(rtt.timeoutFor('c:1'), 2_000, 'never past the cap');
});

test('jitter widens the wait', () => {
  const steady = new RttEstimator(5_000, 0);
  const jumpy = new RttEstimator(5_000, 0);
  for (let i = 0; i < 30; i++) {
    steady.record('n:1', 100);
    jumpy.record('n:1', i % 2 ? 20 : 180);
  }
  assert.ok(jumpy.timeoutFor('n:1') > steady.timeoutFor('n:1'), `${jumpy.timeoutFor('n:1')} > ${steady.timeoutFor('n:1')}`);
});
