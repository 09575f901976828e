import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refusalText, StreamSlots } from '../../../src/server/stream-slots.js';

test('per-client and total caps; a release frees exactly one slot, once', () => {
  const slots = new StreamSlots({ perClient: 2, total: 3 });
  const a1 = slots.take('a');
  const a2 = slots.take('a');
  assert.ok(a1.ok && a2.ok);
  assert.deepEqual(slots.take('a'), { ok: false, scope: 'client', limit: 2, open: 2 });
  const b1 = slots.take('b');
  assert.ok(b1.ok);
  assert.deepEqual(slots.take('c'), { ok: false, scope: 'total', limit: 3, open: 3 });
  a1.release();
  a1.release();
  assert.equal(slots.open, 2, 'a second release of the same slot changes nothing');
  assert.equal(slots.openFor('a'), 1);
  assert.ok(slots.take('c').ok);
  a2.release();
  b1.release();
  assert.equal(slots.openFor('a'), 0);
  assert.equal(slots.open, 1);
});

test('refusals say which limit, how many are open, and what to do', () => {
  const client = refusalText({ ok: false, scope: 'client', limit: 16, open: 16 });
  assert.equal(client.message, 'this client already has 16 streams open; at most 16 per client');
  assert.match(client.hint, /close another player/);
  assert.equal(refusalText({ ok: false, scope: 'total', limit: 128, open: 128 }).message, 'the server already has 128 streams open; at most 128 in all');
});
