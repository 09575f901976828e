import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameGuard } from '../../../src/core/frame-guard.js';

const handshake = Buffer.concat([Buffer.from([19]), Buffer.from('BitTorrent protocol'), Buffer.alloc(48)]);
const message = (length: number, body = Buffer.alloc(length)) => {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(length);
  return Buffer.concat([h, body]);
};

test('well-formed streams pass, however they are split', () => {
  const stream = Buffer.concat([handshake, message(0), message(13), message(16 * 1024 + 9)]);
  for (const size of [1, 3, 7, 1000, stream.length]) {
    const g = new FrameGuard(64 * 1024);
    for (let i = 0; i < stream.length; i += size) assert.equal(g.feed(stream.subarray(i, i + size)), null, `chunks of ${size}`);
  }
});

test('a message longer than the limit is refused before its body arrives', () => {
  const g = new FrameGuard(64 * 1024);
  assert.equal(g.feed(handshake), null);
  const huge = Buffer.alloc(4);
  huge.writeUInt32BE(0xfffffff0);
  assert.match(g.feed(huge) ?? '', /message of 4294967280 bytes/);
});
