import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpaceBudget } from '../../../src/core/space-budget.js';

const MB = 1_000_000;

test('pieces are promised until free space minus the reserve and what is already promised runs out', () => {
  const budget = new SpaceBudget({ reserveBytes: 8 * MB, resumeBytes: 4 * MB });
  assert.equal(budget.take(1), false, 'nothing before the first sample');
  budget.sample(20 * MB, 2 * MB);
  assert.equal(budget.available, 10 * MB);
  assert.equal(budget.take(4 * MB), true);
  assert.equal(budget.take(4 * MB), true);
  assert.equal(budget.available, 2 * MB);
  assert.equal(budget.full, false);
  assert.equal(budget.take(4 * MB), false, 'a piece that does not fit is refused');
  assert.equal(budget.full, true);
  assert.equal(budget.take(1), false, 'and nothing smaller slips in after it: the pause is one state');
});

test('a full budget reopens only with resumeBytes available (no pause/resume flapping at the edge)', () => {
  const budget = new SpaceBudget({ reserveBytes: 8 * MB, resumeBytes: 4 * MB });
  budget.sample(9 * MB, 0);
  assert.equal(budget.take(2 * MB), false);
  assert.equal(budget.sample(11 * MB, 0), false, '3 MB over the reserve is not enough');
  assert.equal(budget.full, true);
  assert.equal(budget.available, 0);
  assert.equal(budget.sample(20 * MB, 7 * MB), true, '5 MB over the reserve and the promised bytes reopens it');
  assert.equal(budget.full, false);
  assert.equal(budget.take(5 * MB), true);
});

test('ENOSPC from a write closes the budget whatever the last sample said', () => {
  const budget = new SpaceBudget({ reserveBytes: 0, resumeBytes: 1 });
  budget.sample(100 * MB, 0);
  budget.noSpace();
  assert.equal(budget.full, true);
  assert.equal(budget.take(1), false);
  assert.equal(budget.sample(100 * MB, 0), true);
});

test('free space below what is promised is never negative', () => {
  const budget = new SpaceBudget({ reserveBytes: 8 * MB, resumeBytes: 4 * MB });
  budget.sample(5 * MB, 50 * MB);
  assert.equal(budget.available, 0);
  assert.equal(budget.lastFree, 5 * MB);
});
