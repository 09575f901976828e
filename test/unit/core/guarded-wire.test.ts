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

test('a block asked, cancelled, asked and cancelled again may come twice, not three times', async () => {
  const { ours, theirs, violations } = await pair();
  theirs.unchoke();
  await settle();
  for (let i = 0; i < 2; i++) {
    ours.request(4, 0, 16384, () => {});
    ours.cancel(4, 0, 16384);
  }
  raw(theirs, pieceMessage(4, 0, Buffer.alloc(16384)));
  raw(theirs, pieceMessage(4, 0, Buffer.alloc(16384)));
  await settle();
  assert.deepEqual(violations, []);
  raw(theirs, pieceMessage(4, 0, Buffer.alloc(16384)));
  await settle();
  assert.deepEqual(violations, ['unrequested block 4:0+16384']);
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

/** A guarded wire and a remote one whose payload is RC4 (MSE), handshaken. */
async function rc4Pair(): Promise<{ ours: GuardedWire; theirs: Wire }> {
  const ours = new GuardedWire('tcpOutgoing', 2);
  ours.geometry = () => geometry;
  const theirs = new Wire('tcpIncoming', 2);
  ours.pipe(theirs).pipe(ours);
  theirs.on('crypto-infohash', () => theirs.setInfoHash(INFO_HASH));
  const shaken = new Promise((r) => ours.once('handshake', r));
  theirs.once('handshake', () => theirs.handshake(INFO_HASH, 'bb'.repeat(20)));
  ours.once('crypto-handshake', () => ours.handshake(INFO_HASH, 'cc'.repeat(20)));
  ours.startEncryption(INFO_HASH);
  await shaken;
  return { ours, theirs };
}

/** Pushes `bytes` as the remote's output in chunks of the given sizes (cycled), each its own write. */
async function trickle(theirs: Wire, bytes: Buffer, sizes: number[], encrypt: (b: Buffer) => Buffer): Promise<void> {
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = Math.min(sizes[i % sizes.length]!, bytes.length - at);
    raw(theirs, encrypt(bytes.subarray(at, at + n)));
    at += n;
    if (i % 2048 === 0) await settle();
  }
}

for (const mode of ['plaintext', 'rc4'] as const) {
  test(`${mode}: blocks split at any boundary, a byte at a time or several to a chunk, arrive intact`, async () => {
    const { ours, theirs } = mode === 'rc4' ? await rc4Pair() : await pair();
    theirs.unchoke();
    await settle();
    // The remote's cipher, used by hand: `raw` bypasses the wire's own encryption.
    const encryptor = (theirs as unknown as { _encryptor: { encrypt(b: Uint8Array): Uint8Array } | null })._encryptor;
    const encrypt = (b: Buffer) => (encryptor ? Buffer.from(encryptor.encrypt(b)) : b);
    const blocks = [0, 1, 2, 3].map((i) => Buffer.alloc(16384, i + 1).fill(i * 7, 100, 9000));
    const got: Buffer[] = [];
    const done = new Promise<void>((resolve) => {
      blocks.forEach((_, i) =>
        ours.request(i, 0, 16384, (err, block) => {
          assert.equal(err, null);
          got[i] = Buffer.from(block!);
          if (got.filter(Boolean).length === blocks.length) resolve();
        }),
      );
    });
    const stream = Buffer.concat(blocks.map((b, i) => pieceMessage(i, 0, b)));
    // Block 0 a byte at a time, the others split at odd places and several to a chunk.
    await trickle(theirs, stream.subarray(0, 16397), [1], encrypt);
    await trickle(theirs, stream.subarray(16397), [7, 16390, 3, 20000, 9], encrypt);
    await done;
    assert.deepEqual(got, blocks);
  });
}

test('whole blocks in a chunk that also ends an earlier message reach the requester as views of it, not copies', async () => {
  const { ours, theirs } = await pair();
  theirs.unchoke();
  await settle();
  const first = pieceMessage(4, 0, Buffer.alloc(16384, 9));
  raw(theirs, first.subarray(0, 100));
  await settle();
  const chunk = Buffer.concat([first.subarray(100), pieceMessage(4, 16384, Buffer.alloc(16384, 8)), pieceMessage(5, 0, Buffer.alloc(16384, 7))]);
  const views = new Map<string, boolean>();
  const all = new Promise<void>((resolve) => {
    for (const [index, offset] of [[4, 0], [4, 16384], [5, 0]] as const)
      ours.request(index, offset, 16384, (_err, block) => {
        views.set(`${index}:${offset}`, block!.buffer === chunk.buffer);
        if (views.size === 3) resolve();
      });
  });
  raw(theirs, chunk);
  await all;
  assert.deepEqual(Object.fromEntries(views), { '4:0': false, '4:16384': true, '5:0': true });
});
