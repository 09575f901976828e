/** GuardedWire against a raw bittorrent-protocol peer writing the messages a hostile peer sends. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Wire from 'bittorrent-protocol';
import { GuardedWire, MAX_MESSAGE_BYTES } from '../../../src/core/guarded-wire.js';

const INFO_HASH = 'aa'.repeat(20);
const geometry = { pieceCount: 10, pieceLengthOf: (i: number) => (i === 9 ? 1000 : 32 * 1024) };

/** Our guarded wire and a remote plain wire, handshaken; violations are collected. */
async function pair(): Promise<{ ours: GuardedWire; theirs: Wire; violations: string[] }> {
  const ours = new GuardedWire('tcpOutgoing', 0);
  ours.geometry = () => geometry;
  const theirs = new Wire();
  ours.pipe(theirs).pipe(ours);
  const violations: string[] = [];
  ours.on('violation', (r: string) => violations.push(r));
  const shaken = new Promise((r) => ours.once('handshake', r));
  theirs.once('handshake', () => theirs.handshake(INFO_HASH, 'bb'.repeat(20)));
  ours.handshake(INFO_HASH, 'cc'.repeat(20));
  await shaken;
  return { ours, theirs, violations };
}

const settle = () => new Promise((r) => setTimeout(r, 20));
const raw = (theirs: Wire, bytes: Buffer) => (theirs as unknown as { push(b: Buffer): void }).push(bytes);

function pieceMessage(index: number, offset: number, block: Buffer): Buffer {
  const head = Buffer.alloc(13);
  head.writeUInt32BE(9 + block.length, 0);
  head[4] = 7;
  head.writeUInt32BE(index, 5);
  head.writeUInt32BE(offset, 9);
  return Buffer.concat([head, block]);
}

test('a block nobody asked for is a violation', async () => {
  const { theirs, violations } = await pair();
  raw(theirs, pieceMessage(1, 0, Buffer.alloc(16384)));
  await settle();
  assert.deepEqual(violations, ['unrequested block 1:0+16384']);
});

test('a block outside the torrent is a violation even when a request matches its index', async () => {
  const { ours, theirs, violations } = await pair();
  theirs.unchoke();
  await settle();
  ours.request(9, 0, 1000, () => {});
  raw(theirs, pieceMessage(9, 0, Buffer.alloc(2000)));
  await settle();
  assert.equal(violations.length, 1);
  assert.match(violations[0]!, /outside the torrent/);
});

test('a requested block passes; a cancelled one may still arrive once, a second copy may not', async () => {
  const { ours, theirs, violations } = await pair();
  theirs.unchoke();
  await settle();
  const got: number[] = [];
  ours.request(2, 0, 16384, (err) => got.push(err ? -1 : 1));
  raw(theirs, pieceMessage(2, 0, Buffer.alloc(16384)));
  await settle();
  assert.deepEqual(got, [1]);
  ours.request(3, 0, 16384, () => {});
  ours.cancel(3, 0, 16384);
  raw(theirs, pieceMessage(3, 0, Buffer.alloc(16384)));
  await settle();
  assert.deepEqual(violations, []);
  raw(theirs, pieceMessage(3, 0, Buffer.alloc(16384)));
  await settle();
  assert.equal(violations.length, 1);
});

test('a second bitfield, a bitfield of the wrong size and a have past the end are violations', async () => {
  const a = await pair();
  const bits = Buffer.from([0xff, 0xc0]);
  const bitfield = (b: Buffer) => {
    const head = Buffer.alloc(5);
    head.writeUInt32BE(1 + b.length, 0);
    head[4] = 5;
    return Buffer.concat([head, b]);
  };
  raw(a.theirs, bitfield(bits));
  await settle();
  assert.deepEqual(a.violations, []);
  raw(a.theirs, bitfield(bits));
  await settle();
  assert.deepEqual(a.violations, ['a second bitfield']);

  const b = await pair();
  raw(b.theirs, bitfield(Buffer.alloc(250 * 1024)));
  await settle();
  assert.match(b.violations[0] ?? '', /bitfield of 256000 bytes for 10 pieces/);

  const c = await pair();
  c.theirs.have(10);
  await settle();
  assert.match(c.violations[0] ?? '', /have 10 of 10/);
});

test('a message longer than the limit is refused from its length alone', async () => {
  const { theirs, violations } = await pair();
  const head = Buffer.alloc(4);
  head.writeUInt32BE(MAX_MESSAGE_BYTES + 1, 0);
  raw(theirs, head);
  await settle();
  assert.match(violations[0] ?? '', /limit/);
});
