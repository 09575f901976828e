import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecentPieces } from '../../../src/core/recent-pieces.js';

const piece = (fill: number, length = 100) => Buffer.alloc(length, fill);

test('holds the newest pieces within its byte bound and hands the evicted buffers back, oldest first', () => {
  const released: number[] = [];
  const recent = new RecentPieces(250, (d) => released.push(d[0]!));
  recent.add(1, piece(1));
  recent.add(2, piece(2));
  assert.deepEqual(released, []);
  recent.add(3, piece(3));
  assert.deepEqual(released, [1]);
  assert.equal(recent.bytes, 200);
  assert.equal(recent.read(1, 0, 10), undefined);
  assert.deepEqual(recent.read(3, 10, 5), Buffer.alloc(5, 3));
});

test('a read is a copy: the buffer may carry another piece afterwards', () => {
  const recent = new RecentPieces(1000, () => {});
  const data = piece(7);
  recent.add(0, data);
  const out = recent.read(0, 0, 100)!;
  data.fill(9);
  assert.deepEqual(out, Buffer.alloc(100, 7));
});

test('a piece larger than the bound is released at once; ranges past the end are not served', () => {
  const released: Buffer[] = [];
  const recent = new RecentPieces(50, (d) => released.push(d));
  recent.add(0, piece(1));
  assert.equal(released.length, 1);
  assert.equal(recent.read(0, 0, 1), undefined);
  const small = new RecentPieces(500, () => {});
  small.add(4, piece(4));
  assert.equal(small.read(4, 90, 20), undefined);
  assert.equal(small.read(4, -1, 2), undefined);
});

test('the same piece added again replaces (and releases) the old buffer; clear releases everything', () => {
  const released: number[] = [];
  const recent = new RecentPieces(1000, (d) => released.push(d[0]!));
  recent.add(5, piece(1));
  recent.add(5, piece(2));
  assert.deepEqual(released, [1]);
  assert.deepEqual(recent.read(5, 0, 1), Buffer.from([2]));
  recent.add(6, piece(3));
  recent.clear();
  assert.deepEqual(released.sort(), [1, 2, 3]);
  assert.equal(recent.bytes, 0);
});
