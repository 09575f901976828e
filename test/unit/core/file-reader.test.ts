import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileRangeStream, READ_CHUNK_BYTES, type PieceSource } from '../../../src/core/file-reader.js';

function source(pieceLength: number, reads: number[]): PieceSource {
  return {
    pieceLength,
    isStored: () => true,
    whenStored: async () => undefined,
    read: async (_piece, _offset, length) => {
      reads.push(length);
      return Buffer.alloc(length, 7);
    },
    setHead: () => undefined,
    removeHead: () => undefined,
  };
}

test('a reader that stops reading holds one small chunk, not a piece (4 MiB pieces here)', async () => {
  const reads: number[] = [];
  const stream = new FileRangeStream(source(4 * 1024 * 1024, reads), 0, 64 * 1024 * 1024);
  stream.pause();
  stream.read(0); // start filling, as a pipe does, then never read again
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(stream.readableLength <= READ_CHUNK_BYTES, `${stream.readableLength} bytes buffered`);
  assert.ok(reads.length <= 2, `${reads.length} reads from disk while nobody read`);
  assert.ok(reads.every((n) => n <= READ_CHUNK_BYTES));
  stream.destroy();
});

test('the bytes still come whole, chunk after chunk, across piece boundaries', async () => {
  const reads: number[] = [];
  const stream = new FileRangeStream(source(100_000, reads), 30_000, 330_000);
  let total = 0;
  for await (const chunk of stream) total += (chunk as Buffer).length;
  assert.equal(total, 300_000);
  assert.ok(reads.every((n) => n <= READ_CHUNK_BYTES));
});
