import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { MSE_PRIME, mseKeyPair } from '../../../src/core/mse-dh.js';

test('the BigInt MSE key pair agrees with node:crypto on the same group', () => {
  const ours = mseKeyPair();
  const theirs = crypto.createDiffieHellman(MSE_PRIME.toString(16), 'hex', 2);
  const theirPublic = theirs.generateKeys();
  const ourPublic = ours.generateKeys();
  assert.equal(ourPublic.length, 96);
  assert.deepEqual(ours.computeSecret(theirPublic).toString('hex'), theirs.computeSecret(ourPublic).toString('hex').padStart(192, '0'));
});

test('a degenerate public key is refused, and each pair is fresh', () => {
  const pair = mseKeyPair();
  assert.throws(() => pair.computeSecret(Buffer.alloc(96)), /degenerate/);
  const one = Buffer.alloc(96);
  one[95] = 1;
  assert.throws(() => pair.computeSecret(one), /degenerate/);
  assert.notDeepEqual(mseKeyPair().generateKeys(), mseKeyPair().generateKeys());
});
