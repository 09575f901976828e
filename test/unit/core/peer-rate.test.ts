import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerRate, MAX_QUEUE_BLOCKS, MIN_QUEUE_BLOCKS, INITIAL_QUEUE_BLOCKS, MIN_SNUB_MS, MIN_REQUEST_TIMEOUT_MS } from '../../../src/core/peer-rate.js';
import { BLOCK_BYTES } from '../../../src/core/blocks.js';

/** Feeds a peer delivering `bytesPerSec` with `latencyMs` for `ms`. */
function feed(rate: PeerRate, from: number, ms: number, bytesPerSec: number, latencyMs: number): number {
  const gap = (BLOCK_BYTES * 1000) / bytesPerSec;
  let t = from;
  for (; t < from + ms; t += gap) rate.onBlock(t, BLOCK_BYTES, latencyMs);
  return t;
}

test('the queue starts at the initial depth and grows with the measured rate (bandwidth x queue time)', () => {
  const r = new PeerRate();
  assert.equal(r.queueDepth(0), INITIAL_QUEUE_BLOCKS);
  const t = feed(r, 0, 3_000, 4 * 1024 * 1024, 100);
  const depth = r.queueDepth(t);
  assert.ok(depth >= 250 && depth <= MAX_QUEUE_BLOCKS, `4 MiB/s for 1 s is ~256 blocks, got ${depth}`);
});

test('a slow peer keeps a short queue; a restart drops slow start back to the floor', () => {
  const r = new PeerRate();
  const t = feed(r, 0, 5_000, 64 * 1024, 50);
  assert.ok(r.queueDepth(t) <= 8, `64 KiB/s needs few requests, got ${r.queueDepth(t)}`);
  r.restart();
  assert.equal(r.queueDepth(t + 5_000), MIN_QUEUE_BLOCKS);
});

test('timeouts adapt to the peer, never below the floors', () => {
  const r = new PeerRate();
  assert.equal(r.snubAfterMs(), MIN_SNUB_MS);
  assert.equal(r.requestTimeoutMs(), MIN_REQUEST_TIMEOUT_MS);
  feed(r, 0, 2_000, 1024 * 1024, 2_000);
  assert.ok(r.snubAfterMs() >= 5_000 && r.requestTimeoutMs() >= 7_000, 'a peer that usually takes 2 s gets longer');
});
