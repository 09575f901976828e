import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatClock, formatPercent, formatSpeed, formatTimeLeft } from '../../../src/web/client/format.js';

test('formatBytes: decimal units with sensible precision', () => {
  assert.deepEqual([0, 999, 1000, 1536, 12_500_000, 123_456_789, 5e12, 7e15].map(formatBytes), ['0 B', '999 B', '1.00 kB', '1.54 kB', '12.5 MB', '123 MB', '5.00 TB', '7000 TB']);
  assert.equal(formatBytes(-1), '–');
  assert.equal(formatBytes(Number.NaN), '–');
  assert.equal(formatSpeed(2_500_000), '2.50 MB/s');
});

test('formatPercent: floors, never shows 100% early, guards empty totals', () => {
  assert.equal(formatPercent(1, 4), '25%');
  assert.equal(formatPercent(999, 1000), '99%');
  assert.equal(formatPercent(9999, 10000), '99%');
  assert.equal(formatPercent(10, 10), '100%');
  assert.equal(formatPercent(20, 10), '100%');
  assert.equal(formatPercent(5, 0), '0%');
});

test('formatClock and formatTimeLeft', () => {
  assert.deepEqual([0, 5, 65, 3725, 59.9].map(formatClock), ['0:00', '0:05', '1:05', '1:02:05', '0:59']);
  assert.equal(formatClock(-1), '–:––');
  assert.equal(formatTimeLeft(null, false), 'waiting for peers');
  assert.equal(formatTimeLeft(0.2, false), '1 s left');
  assert.equal(formatTimeLeft(15, false), '15 s left');
  assert.equal(formatTimeLeft(200, false), '3 min left');
  assert.equal(formatTimeLeft(7200, false), '2.0 h left');
  assert.equal(formatTimeLeft(200, true), 'done');
});
