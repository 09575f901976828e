import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summaryMessage, WarningThrottle } from '../../src/warning-throttle.js';
import { EventBus, type AppEvent } from '../../src/events.js';

test('the first of a kind goes out, the rest of its window is counted into one summary', () => {
  const throttle = new WarningThrottle(10_000);
  assert.equal(throttle.admit('krpc', 'junk from a:1', undefined, 0), true);
  for (let i = 0; i < 4_312; i++) assert.equal(throttle.admit('krpc', `junk from a:${i}`, undefined, 1 + i), false);
  assert.equal(throttle.admit('socket', 'EHOSTUNREACH', 'E_X', 50), true, 'kinds are counted apart');
  assert.deepEqual(throttle.flush(9_999), [], 'nothing before the window ends');
  assert.equal(throttle.nextDue(), 10_000);
  const [summary, ...rest] = throttle.flush(10_000);
  assert.deepEqual(rest, [], 'the quiet kind has nothing to say');
  assert.deepEqual(summary, { kind: 'krpc', suppressed: 4_312, windowMs: 10_000, last: 'junk from a:4311', code: undefined });
  assert.equal(summaryMessage(summary!), '… and 4,312 more like it in the last 10 s: junk from a:4311');
});

test('a flood that goes on gives one line per window; after it stops the next one goes out at once', () => {
  const throttle = new WarningThrottle(10_000);
  let lines = 0;
  // 30 s of junk, one a millisecond, with summaries flushed as a timer would.
  for (let t = 0; t < 30_000; t++) {
    for (const _ of throttle.flush(t)) lines++;
    if (throttle.admit('krpc', 'junk', undefined, t)) lines++;
  }
  for (let t = 30_000; t <= 60_000; t += 1_000) for (const _ of throttle.flush(t)) lines++;
  assert.equal(lines, 4, 'the first line, then one summary at 10, 20 and 30 s');
  assert.equal(throttle.nextDue(), undefined);
  assert.equal(throttle.admit('krpc', 'junk', undefined, 60_001), true, 'a quiet kind speaks at once again');
});

test('the bus rate-limits warnings per kind (and per message without one); other events are untouched', async () => {
  const bus = new EventBus({ warningWindowMs: 40 });
  const seen: AppEvent[] = [];
  bus.subscribe((e) => seen.push(e));
  for (let i = 0; i < 1_000; i++) bus.emit('warning', { message: `malformed KRPC message from 127.0.0.1:${i}`, kind: 'krpc-malformed' });
  bus.emit('warning', { message: 'no DHT node answered; retrying in 2 s', code: 'E_NO_PEERS' });
  bus.emit('warning', { message: 'no DHT node answered; retrying in 4 s', code: 'E_NO_PEERS' });
  bus.emit('warning', { message: 'no DHT node answered; retrying in 4 s', code: 'E_NO_PEERS' });
  for (let i = 0; i < 5; i++) bus.emit('done', { infoHash: 'ab'.repeat(20) });
  const warnings = () => seen.filter((e): e is Extract<AppEvent, { event: 'warning' }> => e.event === 'warning');
  assert.deepEqual(warnings().map((w) => w.message), ['malformed KRPC message from 127.0.0.1:0', 'no DHT node answered; retrying in 2 s', 'no DHT node answered; retrying in 4 s']);
  assert.equal(seen.filter((e) => e.event === 'done').length, 5);
  await new Promise((r) => setTimeout(r, 120));
  const summaries = warnings().filter((w) => w.suppressed !== undefined);
  assert.equal(summaries.length, 2);
  const krpc = summaries.find((w) => w.kind === 'krpc-malformed')!;
  assert.equal(krpc.suppressed, 999);
  assert.equal(krpc.message, '… and 999 more like it in the last 40 ms: malformed KRPC message from 127.0.0.1:999');
  const same = summaries.find((w) => w.code === 'E_NO_PEERS')!;
  assert.equal(same.suppressed, 1);
  assert.equal(same.kind, undefined, 'no made-up kind on the wire');
});

test('warningWindowMs 0 turns the limit off', () => {
  const bus = new EventBus({ warningWindowMs: 0 });
  let n = 0;
  bus.subscribe(() => n++);
  for (let i = 0; i < 10; i++) bus.emit('warning', { message: 'same' });
  assert.equal(n, 10);
});
