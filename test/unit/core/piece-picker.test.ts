import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PiecePicker, SPARE_BUFFER_BYTES, type PickerPeer } from '../../../src/core/piece-picker.js';
import { BLOCK_BYTES } from '../../../src/core/blocks.js';

const PIECE = 4 * BLOCK_BYTES;
const all = (key: string): PickerPeer => ({ key, has: () => true });
const only = (key: string, pieces: number[]): PickerPeer => ({ key, has: (i) => pieces.includes(i) });
const block = (n = BLOCK_BYTES) => new Uint8Array(n);

function picker(pieces = 20, holding: (k: string) => boolean = () => true): PiecePicker {
  return new PiecePicker({ pieceCount: pieces, pieceLength: PIECE, totalLength: pieces * PIECE, isHolding: holding });
}

test('with no read, blocks go out in order from the start; a block is never handed out twice', () => {
  const p = picker();
  const a = p.pick(all('a'), 6, 0);
  const b = p.pick(all('b'), 6, 0);
  assert.deepEqual(a.map((r) => [r.piece, r.block]), [[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 1]]);
  assert.deepEqual(b.map((r) => [r.piece, r.block]), [[1, 2], [1, 3], [2, 0], [2, 1], [2, 2], [2, 3]]);
});

test('the pieces under a read head come first, and the far seek moves them', () => {
  const p = picker(100);
  p.pick(all('a'), 4, 0); // background piece 0 started
  p.setHead(1, 50, 99);
  const refs = p.pick(all('b'), 8, 0);
  assert.deepEqual([...new Set(refs.map((r) => r.piece))], [50, 51]);
  p.setHead(1, 90, 99);
  assert.equal(p.pick(all('c'), 1, 0)[0]!.piece, 90);
  assert.ok(p.isCritical(91) && !p.isCritical(50));
});

test('a snubbing peer holds nothing: its blocks go to the next peer', () => {
  const snubbed = new Set<string>();
  const p = picker(2, (k) => !snubbed.has(k));
  assert.equal(p.pick(all('slow'), 4, 0).length, 4);
  assert.equal(p.pick(only('fast', [0]), 4, 0).length, 0, 'all taken while slow holds them');
  snubbed.add('slow');
  assert.equal(p.pick(only('fast', [0]), 4, 0).length, 4);
});

test('a released request is free again; a block that arrives completes the piece once', () => {
  const p = picker(1);
  const [r0, r1, r2, r3] = p.pick(all('a'), 4, 0);
  p.release(r3!, 'a');
  const again = p.pick(all('b'), 4, 0);
  assert.deepEqual(again, [r3]);
  for (const r of [r0!, r1!, r2!]) assert.equal(p.receive(r, 'a', block()).status, 'partial');
  assert.equal(p.receive(r3!, 'b', block()).status, 'complete');
  assert.equal(p.receive(r3!, 'a', block()).status, 'unwanted', 'a late duplicate is dropped');
  p.passed(0);
  assert.equal(p.missing, 0);
});

test('a block of the wrong length is refused', () => {
  const p = picker(1);
  const [r] = p.pick(all('a'), 1, 0);
  assert.equal(p.receive(r!, 'a', block(100)).status, 'unwanted');
});

test('end-game: once every piece is started, outstanding blocks are asked of a second peer, and the first learns to cancel', () => {
  const p = picker(2);
  p.pick(all('slow'), 8, 0);
  const dup = p.pick(all('fast'), 8, 0);
  assert.equal(dup.length, 8, 'every outstanding block duplicated');
  assert.equal(p.pick(all('third'), 8, 0).length, 0, 'at most two peers per block');
  const res = p.receive(dup[0]!, 'fast', block());
  assert.deepEqual(res.alsoRequested, ['slow']);
});

test('no end-game while unstarted pieces remain', () => {
  const p = picker(3);
  p.pick(only('a', [0]), 8, 0);
  assert.equal(p.pick(only('b', [0]), 8, 0).length, 0, 'piece 1 and 2 are not started: no duplicates yet');
});

test('late critical blocks are re-asked of another peer; blocks outside the window are not', () => {
  const p = picker(100);
  p.setHead(1, 10, 99);
  p.pick(all('slow'), 4, 0);
  const lateAll = () => true;
  const rescue = p.pickOverdue(all('fast'), 10, 1000, lateAll);
  assert.deepEqual(rescue.map((r) => r.piece), [10, 10, 10, 10]);
  assert.equal(p.pickOverdue(all('fast'), 10, 1000, lateAll).length, 0, 'not twice to the same peer');
  const q = picker(100);
  q.pick(all('slow'), 4, 0);
  assert.equal(q.pickOverdue(all('fast'), 10, 1000, lateAll).length, 0, 'no head, nothing critical');
  const r = picker(100);
  r.setHead(1, 0, 99);
  r.pick(all('slow'), 4, 0);
  assert.equal(r.pickOverdue(all('fast'), 10, 1000, () => false).length, 0, 'holders on time');
});

test('a failed piece is refetched from one peer only, until that peer leaves', () => {
  const p = picker(1);
  const refs = p.pick(all('a'), 2, 0);
  const rest = p.pick(all('b'), 2, 0);
  for (const r of refs) p.receive(r, 'a', block());
  for (const r of rest) p.receive(r, 'b', block());
  p.failed(0, true);
  assert.equal(p.pick(all('c'), 2, 0).length, 2);
  assert.equal(p.pick(all('d'), 2, 0).length, 0, 'd may not join c on the refetch');
  assert.equal(p.pick(all('c'), 4, 0).length, 2, 'c takes the rest');
  p.dropPeer('c');
  assert.equal(p.pick(all('d'), 4, 0).length, 4, 'c gone: d refetches alone');
});

test('resume marks pieces had; they are never picked', () => {
  const p = picker(3);
  p.markHave(0);
  p.markHave(1);
  assert.deepEqual(p.pick(all('a'), 10, 0).map((r) => r.piece), [2, 2, 2, 2]);
  assert.equal(p.missing, 1);
});

test('written pieces lend their buffers to the next ones, up to SPARE_BUFFER_BYTES of them however large the pieces', () => {
  const pieceLength = 4 * 1024 * 1024;
  const p = new PiecePicker({ pieceCount: 10, pieceLength, totalLength: 10 * pieceLength });
  const recycled = Array.from({ length: 5 }, () => Buffer.alloc(pieceLength));
  for (const b of recycled) p.recycle(b);
  p.pick(all('a'), 5 * (pieceLength / BLOCK_BYTES), 0);
  const reused = [0, 1, 2, 3, 4].filter((i) => recycled.some((b) => b === p.active.get(i)!.data));
  assert.equal(reused.length, SPARE_BUFFER_BYTES / pieceLength);
});
