import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatDuration, progressLine } from '../../../src/cli/progress.js';
import type { SessionStatus } from '../../../src/core/engine.js';

test('formatBytes and formatDuration', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(999), '999 B');
  assert.equal(formatBytes(1_500_000), '1.5 MB');
  assert.equal(formatBytes(734_003_200), '734 MB');
  assert.equal(formatDuration(null), '--');
  assert.equal(formatDuration(42), '42s');
  assert.equal(formatDuration(125), '2m05s');
  assert.equal(formatDuration(7260), '2h01m');
});

test('the progress line names size, downloaded, speed, peers, time left and the read head', () => {
  const s: SessionStatus = {
    infoHash: 'ab'.repeat(20), name: 'Movie.mkv', ready: true, length: 700_000_000, downloaded: 70_000_000,
    verifiedPieces: 10, totalPieces: 100, speed: 2_000_000, peers: 7, timeLeft: 315, readHeadPiece: 42, done: false, paused: null,
  };
  assert.equal(progressLine(s), 'Movie.mkv | 70.0 MB / 700 MB (10.0%) | 2.0 MB/s | 7 peers | 5m15s left | piece 42/100');
  assert.match(progressLine({ ...s, ready: false, name: null }), /fetching metadata/);
  assert.equal(progressLine({ ...s, paused: 'disk full' }), 'Movie.mkv | 70.0 MB / 700 MB (10.0%) | 2.0 MB/s | 7 peers | paused: disk full | piece 42/100');
  assert.match(progressLine(s, { spiesBlocked: 3 }), /3 spies blocked$/);
  assert.match(progressLine(s, { dhtNodes: 57 }), /\| 7 peers \| 57 DHT nodes \|/);
  assert.equal(progressLine({ ...s, ready: false, name: null }, { dhtNodes: 0 }), 'abababab… (fetching metadata) | 7 peers | 0 DHT nodes');
});
