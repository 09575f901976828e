import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceBudget } from '../../src/source-budget.js';
import { onLinkOf } from '../../src/interfaces.js';

test('SourceBudget: a burst, then the refill rate, per source, with a bounded memory', () => {
  let now = 0;
  const budget = new SourceBudget({ burst: 3, refillPerSecond: 0.5, maxSources: 2, now: () => now });
  assert.deepEqual([1, 2, 3, 4].map(() => budget.take('10.0.0.9')), [true, true, true, false]);
  assert.equal(budget.take('10.0.0.8', 4), false, 'a cost over the burst is never allowed');
  now += 1_000;
  assert.equal(budget.take('10.0.0.9'), false, 'half a token after 1 s');
  now += 1_000;
  assert.equal(budget.take('10.0.0.9'), true, 'one token after 2 s');
  budget.take('10.0.0.7');
  budget.take('10.0.0.6');
  // 10.0.0.9 was forgotten (least recently seen beyond maxSources): it starts again with a burst.
  assert.equal(budget.take('10.0.0.9', 3), true);
});

test('onLinkOf: same subnet as the interface holding the local address', () => {
  const interfaces = {
    eth0: [{ address: '192.168.1.5', netmask: '255.255.255.0', family: 'IPv4' as const, mac: '', internal: false, cidr: null }],
    lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4' as const, mac: '', internal: true, cidr: null }],
  };
  const onLink = onLinkOf(interfaces, ['192.168.1.5']);
  assert.equal(onLink('192.168.1.77'), true);
  assert.equal(onLink('192.168.2.77'), false);
  assert.equal(onLink('8.8.8.8'), false);
  assert.equal(onLinkOf(interfaces, ['127.0.0.1'])('127.9.9.9'), true);
  assert.equal(onLinkOf(interfaces, ['127.60.0.1'])('127.60.0.2'), true, 'any 127.x is on lo');
  assert.equal(onLinkOf(interfaces, ['10.0.0.1'])('10.0.0.2'), false, 'an address on no interface counts only itself');
});
