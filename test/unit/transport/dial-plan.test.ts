import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterFailure, afterSuccess, encryptionOrder, freshHistory, isDue, isGivenUp, MAX_DIAL_FAILURES, RETRY_BACKOFF_MS, transportOrder } from '../../../src/transport/dial-plan.js';

test('encryption order: prefer tries RC4 then plaintext, unless the peer refused MSE before; require and off are one step', () => {
  const h = freshHistory();
  assert.deepEqual(encryptionOrder('prefer', h), ['rc4', 'plaintext']);
  assert.deepEqual(encryptionOrder('prefer', { ...h, refusedEncryption: true }), ['plaintext']);
  assert.deepEqual(encryptionOrder('require', { ...h, refusedEncryption: true }), ['rc4']);
  assert.deepEqual(encryptionOrder('off', h), ['plaintext']);
});

test('transport order: TCP then uTP for a new peer, what worked last first, only what is enabled', () => {
  assert.deepEqual(transportOrder(['utp', 'tcp'], freshHistory()), ['tcp', 'utp']);
  assert.deepEqual(transportOrder(['tcp', 'utp'], { ...freshHistory(), transport: 'utp' }), ['utp', 'tcp']);
  assert.deepEqual(transportOrder(['tcp'], { ...freshHistory(), transport: 'utp' }), ['tcp']);
  assert.deepEqual(transportOrder([], freshHistory()), []);
});

test('failures back off, then the peer is given up; a success clears the count', () => {
  let h = freshHistory();
  for (let i = 0; i < MAX_DIAL_FAILURES; i++) {
    h = afterFailure(h, 1_000);
    if (i < MAX_DIAL_FAILURES - 1) {
      assert.equal(h.retryAt, 1_000 + RETRY_BACKOFF_MS[i]!);
      assert.ok(!isDue(h, 1_000) && isDue(h, h.retryAt));
    }
  }
  assert.ok(isGivenUp(afterFailure(h, 0)) || isGivenUp(h));
  const back = afterSuccess(afterFailure(freshHistory(), 0), 'utp', 'rc4');
  assert.equal(back.failures, 0);
  assert.equal(back.transport, 'utp');
  assert.ok(isDue(back, 0));
  assert.ok(isGivenUp({ ...freshHistory(), banned: 'unrequested block' }));
});
