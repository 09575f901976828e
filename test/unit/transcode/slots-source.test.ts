import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { Slots } from '../../../src/transcode/ffmpeg-stream.js';
import { startSourceServer } from '../../../src/transcode/source-server.js';

test('slots: a waiter gets the next free slot, others give up after their wait or an abort', async () => {
  const slots = new Slots(1);
  const first = await slots.acquire(0);
  assert.ok(first);
  assert.equal(await slots.acquire(0), undefined, 'full and not waiting');
  const waiting = slots.acquire(1000);
  const timedOut = slots.acquire(20);
  const aborter = new AbortController();
  const aborted = slots.acquire(1000, aborter.signal);
  aborter.abort();
  assert.equal(await timedOut, undefined);
  assert.equal(await aborted, undefined);
  first();
  first(); // releasing twice frees one slot only
  const second = await waiting;
  assert.ok(second);
  assert.equal(slots.used, 1);
  second();
  assert.equal(slots.used, 0);
});

test('source server: ranges from the file, a secret path, loopback only, closed with the request', async () => {
  const bytes = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
  const opened: Array<{ start: number; end: number }> = [];
  const src = await startSourceServer({ name: 'film.mkv', length: bytes.length, createReadStream: (r) => (opened.push(r), Readable.from([bytes.subarray(r.start, r.end + 1)])) });
  try {
    assert.match(src.url, /^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/media\.mkv$/);
    const part = await fetch(src.url, { headers: { range: 'bytes=4000-' } });
    assert.equal(part.status, 206);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(4000)));
    const whole = await fetch(src.url);
    assert.ok(Buffer.from(await whole.arrayBuffer()).equals(bytes));
    assert.deepEqual(opened, [{ start: 4000, end: 4999 }, { start: 0, end: 4999 }]);
    assert.equal(src.bytesServed(), 6000);
    assert.equal((await fetch(new URL('/other/media.mkv', src.url))).status, 404);
  } finally {
    await src.close();
  }
  await assert.rejects(fetch(src.url));
});
