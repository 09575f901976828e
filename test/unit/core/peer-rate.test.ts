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

test('the queue starts at the initial depth and follows the bandwidth-delay product', () => {
  const r = new PeerRate();
  assert.equal(r.queueDepth(0), INITIAL_QUEUE_BLOCKS);
  const t = feed(r, 0, 3_000, 64 * 1024 * 1024, 100);
  const depth = r.queueDepth(t);
  // 64 MiB/s x 3 round trips of 100 ms = 19.2 MiB = 1229 blocks.
  assert.ok(depth >= 1200 && depth <= 1260, `got ${depth}`);
  const far = new PeerRate();
  assert.equal(far.queueDepth(feed(far, 0, 3_000, 512 * 1024 * 1024, 200)), MAX_QUEUE_BLOCKS, 'capped');
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
