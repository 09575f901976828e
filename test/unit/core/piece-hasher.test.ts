import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { PieceHasher, type HashablePiece } from '../../../src/core/piece-hasher.js';
import { BLOCK_BYTES } from '../../../src/core/blocks.js';

const sha1 = (b: Buffer) => crypto.createHash('sha1').update(b).digest('hex');

/** A piece of `length` bytes whose blocks are filled in the given order, advancing after each. */
function fill(hasher: PieceHasher, index: number, content: Buffer, order: number[], piece?: HashablePiece): HashablePiece {
  const p = piece ?? { data: Buffer.alloc(content.length), length: content.length, received: new Uint8Array(Math.ceil(content.length / BLOCK_BYTES)) };
  for (const b of order) {
    content.copy(p.data, b * BLOCK_BYTES, b * BLOCK_BYTES, Math.min(content.length, (b + 1) * BLOCK_BYTES));
    p.received[b] = 1;
    hasher.advance(index, p);
  }
  return p;
}

const content = crypto.randomBytes(3 * BLOCK_BYTES + 1234);

test('blocks in order, out of order or in reverse give the digest of the whole piece (a short last block included)', () => {
  for (const order of [[0, 1, 2, 3], [2, 0, 3, 1], [3, 2, 1, 0]]) {
    const hasher = new PieceHasher();
    const p = fill(hasher, 7, content, order);
    assert.equal(hasher.digest(7, p), sha1(content));
    assert.equal(hasher.running, 0);
  }
});

test('a failed piece is hashed anew from its refetched blocks, not from what was hashed before', () => {
  const hasher = new PieceHasher();
  const bad = Buffer.from(content);
  bad[5] = bad[5]! ^ 0xff;
  const p = fill(hasher, 1, bad, [0, 1, 2, 3]);
  assert.notEqual(hasher.digest(1, p), sha1(content));
  p.received.fill(0);
  hasher.forget(1);
  fill(hasher, 1, content, [1, 0, 3, 2], p);
  assert.equal(hasher.digest(1, p), sha1(content));
});

test('a digest asked before every block arrived is refused', () => {
  const hasher = new PieceHasher();
  const p = fill(hasher, 2, content, [0, 2, 3]);
  assert.throws(() => hasher.digest(2, p), /block 1 missing/);
});

test('pieces no longer fetched are forgotten with their buffers', () => {
  const hasher = new PieceHasher();
  fill(hasher, 3, content, [0]);
  fill(hasher, 4, content, [0]);
  hasher.retain((i) => i === 4);
  assert.equal(hasher.running, 1);
});
