import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { UtpStream, type UtpConnectionLike } from '../../../src/transport/utp-stream.js';

/** Behaves like a utp-native connection where it matters: 'close' comes later than destroy(). */
class FakeConnection extends EventEmitter implements UtpConnectionLike {
  destroyed = false;
  ended = false;
  written: Buffer[] = [];
  /** When set, writes wait for ack() (libutp's send window is full). */
  holdWrites = false;
  #held: Array<(err?: Error | null) => void> = [];

  write(chunk: Uint8Array, callback: (err?: Error | null) => void): boolean {
    this.written.push(Buffer.from(chunk));
    if (this.holdWrites) this.#held.push(callback);
    else queueMicrotask(() => callback(null));
    return true;
  }
  ack(): void {
    for (const cb of this.#held.splice(0)) cb(null);
  }
  end(): void {
    this.ended = true;
  }
  destroy(err?: Error): void {
    if (this.destroyed) return;
    this.destroyed = true;
    setTimeout(() => {
      if (err) this.emit('error', err);
      this.emit('close');
    }, 20);
  }
}

/** events.once would reject on the 'error' these tests expect before 'close'. */
const closed = (stream: UtpStream): Promise<void> => new Promise((resolve) => stream.once('close', () => resolve()));

const make = (maxUnreadBytes = 1024): { inner: FakeConnection; stream: UtpStream } => {
  const inner = new FakeConnection();
  return { inner, stream: new UtpStream(inner, { peer: '10.0.0.9:6881', maxUnreadBytes }) };
};

test('bytes in, bytes out; the peer ending ends our side too (like net.Socket) and closes once', async () => {
  const { inner, stream } = make();
  const got: Buffer[] = [];
  let closes = 0;
  stream.on('close', () => closes++);
  stream.on('data', (c: Buffer) => got.push(c));
  await new Promise<void>((resolve, reject) => stream.write(Buffer.from('ping'), (err) => (err ? reject(err) : resolve())));
  assert.deepEqual(inner.written.map(String), ['ping']);
  inner.emit('data', Buffer.from('po'));
  inner.emit('data', Buffer.from('ng'));
  inner.emit('end');
  await once(stream, 'close');
  assert.equal(Buffer.concat(got).toString(), 'pong');
  assert.ok(inner.ended, 'our FIN was not sent after the peer ended');
  inner.emit('close');
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(closes, 1);
});

test('destroy() closes at once, without waiting for libutp, and destroys the connection', async () => {
  const { inner, stream } = make();
  const started = Date.now();
  stream.destroy();
  await once(stream, 'close');
  assert.ok(Date.now() - started < 15, 'close waited for the inner connection');
  assert.ok(inner.destroyed);
});

test('a write still waiting for libutp fails when the connection closes instead of hanging', async () => {
  const { inner, stream } = make();
  stream.on('error', () => {});
  inner.holdWrites = true;
  const result = new Promise<Error | null | undefined>((resolve) => stream.write(Buffer.from('queued'), resolve));
  await new Promise((r) => setImmediate(r));
  inner.emit('close');
  const err = await result;
  assert.ok(err instanceof Error);
  assert.match(err.message, /10\.0\.0\.9:6881/);
});

test('a write completes only when libutp took it (backpressure reaches the writer)', async () => {
  const { inner, stream } = make();
  inner.holdWrites = true;
  let done = false;
  stream.write(Buffer.from('a'), () => (done = true));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(done, false);
  inner.ack();
  await new Promise((r) => setImmediate(r));
  assert.equal(done, true);
  stream.destroy();
});

test('a reset from the peer becomes an error naming the peer, then one close', async () => {
  const { inner, stream } = make();
  const errors: Error[] = [];
  stream.on('error', (e) => errors.push(e));
  inner.emit('error', Object.assign(new Error('UTP_ECONNRESET'), { code: 'UTP_ECONNRESET' }));
  await closed(stream);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /^uTP 10\.0\.0\.9:6881: connection reset by the peer$/);
  assert.ok(inner.destroyed);
});

test('bytes nobody reads are capped: past maxUnreadBytes the connection is dropped with a reason', async () => {
  const { inner, stream } = make(1000);
  const errors: Error[] = [];
  stream.on('error', (e) => errors.push(e));
  // Nobody reads (no 'data' listener): the bytes stay buffered in the stream.
  for (let i = 0; i < 3; i++) inner.emit('data', Buffer.alloc(400));
  await closed(stream);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!.message, /1200 bytes received and not read \(limit 1000\)/);
  assert.ok(inner.destroyed);
  // Data arriving after that is ignored, not an exception.
  inner.emit('data', Buffer.alloc(10));
});

test('the connection closing without a FIN closes the stream (no end)', async () => {
  const { inner, stream } = make();
  let ended = false;
  stream.on('end', () => (ended = true));
  stream.resume();
  inner.emit('close');
  await once(stream, 'close');
  assert.equal(ended, false);
});
