import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closesAfter } from '../sim/cleanup.js';

/** A stand-in for the test context: collects the after-hook so the test can run it. */
function fakeHooks(): { after(fn: () => Promise<void>): void; run(): Promise<void> } {
  const hooks: Array<() => Promise<void>> = [];
  return { after: (fn) => void hooks.push(fn), run: async () => { for (const h of hooks) await h(); } };
}

test('closesAfter closes last opened first, with close() or the given closer', async () => {
  const hooks = fakeHooks();
  const own = closesAfter(hooks);
  const order: string[] = [];
  const world = own({ close: async () => void order.push('world') });
  const dir = own('/tmp/x', (d) => void order.push(`rm ${d}`));
  own({ close: () => void order.push('browser') });
  assert.equal(typeof world.close, 'function');
  assert.equal(dir, '/tmp/x', 'returns what it was given');
  await hooks.run();
  assert.deepEqual(order, ['browser', 'rm /tmp/x', 'world']);
});

test('a closer that throws does not stop the others; the failures are reported together', async () => {
  const hooks = fakeHooks();
  const own = closesAfter(hooks);
  const closed: string[] = [];
  own({ close: () => void closed.push('a') });
  own({ close: () => { throw new Error('b broke'); } });
  own({ close: async () => { closed.push('c'); throw new Error('c broke'); } });
  await assert.rejects(hooks.run(), (err: AggregateError) => err.errors.length === 2 && /2 test resource\(s\) failed to close/.test(err.message));
  assert.deepEqual(closed, ['c', 'a']);
});
