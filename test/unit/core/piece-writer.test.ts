import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PieceWriter, HELD_RETRY_MS, type PauseReason } from '../../../src/core/piece-writer.js';
import { SpaceBudget } from '../../../src/core/space-budget.js';

const PIECE = 1_000;

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: failed, write`), { code });
}

function setup(opts: { failWith?: () => NodeJS.ErrnoException | undefined; free?: number } = {}) {
  const budget = new SpaceBudget({ reserveBytes: 0, resumeBytes: PIECE });
  budget.sample(opts.free ?? 10 * PIECE, 0);
  let clock = 0;
  const puts: number[] = [];
  const written: number[] = [];
  const events: Array<['pause', PauseReason, string] | ['resume'] | ['error', string]> = [];
  const data = new Map<number, Buffer>();
  const writer = new PieceWriter({
    store: {
      put: async (index) => {
        const err = opts.failWith?.();
        if (err) throw err;
        puts.push(index);
      },
    },
    pieceLengthOf: () => PIECE,
    heldData: (p) => data.get(p),
    space: budget,
    now: () => clock,
    onWritten: (p) => written.push(p),
    onPause: (reason, detail) => events.push(['pause', reason, detail]),
    onResume: () => events.push(['resume']),
    onError: (m) => events.push(['error', m]),
  });
  return { writer, budget, puts, written, events, data, advance: (ms: number) => (clock += ms) };
}

const settle = () => new Promise((r) => setImmediate(r));

test('pieces are promised while the budget has room; past it, a pause and nothing new is asked', () => {
  const { writer, events } = setup({ free: 2 * PIECE });
  assert.ok(writer.promise(0));
  assert.ok(writer.promise(0), 'a promised piece needs no new room');
  assert.ok(writer.promise(1));
  assert.equal(writer.promise(2), false);
  writer.outOfRoom();
  assert.deepEqual(events.map((e) => e.slice(0, 2)), [['pause', 'disk full']]);
  const peer = writer.restrict({ key: 'p', has: () => true });
  assert.deepEqual([0, 1, 2].map((i) => peer.has(i)), [true, true, false], 'paused: only pieces on their way');
  assert.equal(writer.promisedBytes(), 2 * PIECE);
});

test('a write that fails with ENOSPC holds the piece, pauses once, and writes it when room returns', async () => {
  let full = true;
  const { writer, budget, puts, written, events, data, advance } = setup({ failWith: () => (full ? errno('ENOSPC') : undefined) });
  writer.promise(4);
  writer.promise(5);
  data.set(4, Buffer.alloc(PIECE));
  data.set(5, Buffer.alloc(PIECE));
  assert.equal(await writer.write(4, data.get(4)!), false);
  assert.equal(await writer.write(5, data.get(5)!), false);
  assert.equal(writer.paused, 'disk full');
  assert.deepEqual(events.map((e) => e[0]), ['pause'], 'one pause for both, and no error event for a full disk');
  assert.match((events[0] as [string, string, string])[2], /writing piece 4: the store is on a full disk \(ENOSPC\)/);
  assert.equal(writer.isUnderway(4), false, 'held, not on its way: a read of it gets 507 at once');
  assert.equal(budget.full, true, 'ENOSPC closes the budget');
  advance(HELD_RETRY_MS * 5);
  writer.tick(HELD_RETRY_MS * 5);
  await settle();
  assert.deepEqual(puts, [], 'no retry while the budget is closed');
  full = false;
  budget.sample(10 * PIECE, writer.promisedBytes());
  writer.tick(HELD_RETRY_MS * 6);
  await settle();
  await settle();
  assert.deepEqual(puts, [4, 5], 'each held piece written once');
  assert.deepEqual(written, [4, 5], 'and reported once');
  assert.equal(writer.paused, null);
  assert.deepEqual(events.map((e) => e[0]), ['pause', 'resume']);
  assert.equal(writer.promisedBytes(), 0);
});

test('a read-only store: an error event once, retries every HELD_RETRY_MS', async () => {
  let attempts = 0;
  const { writer, events, data, advance } = setup({ failWith: () => (attempts++, errno('EROFS')) });
  writer.promise(1);
  data.set(1, Buffer.alloc(PIECE));
  await writer.write(1, data.get(1)!);
  assert.equal(writer.paused, 'store not writable');
  assert.deepEqual(events.map((e) => e[0]), ['error', 'pause']);
  writer.tick(advance(HELD_RETRY_MS / 2));
  await settle();
  assert.equal(attempts, 1, 'not before HELD_RETRY_MS');
  writer.tick(advance(HELD_RETRY_MS));
  await settle();
  assert.equal(attempts, 2);
  assert.deepEqual(events.map((e) => e[0]), ['error', 'pause'], 'a failed retry says nothing new');
});
