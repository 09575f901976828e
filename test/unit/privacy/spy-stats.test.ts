import test from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../../src/events.js';
import { SpyStats } from '../../../src/privacy/spy-stats.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

test('SpyStats counts distinct spies, per-torrent blocks, and samples history', () => {
  const bus = new EventBus();
  let now = Date.parse('2026-01-01T00:00:00Z');
  let active = 0;
  const stats = new SpyStats({ bus, counts: { active: () => active, suspects: () => 2 }, now: () => now, sampleIntervalMs: null });
  bus.emit('spy', { ip: '10.0.0.1', port: 1, reason: 'decoy-values', infoHash: A });
  bus.emit('spy', { ip: '10.0.0.1', port: 2, reason: 'multi-port', infoHash: A });
  bus.emit('spy', { ip: '10.0.0.2', reason: 'sybil' });
  bus.emit('peer', { ip: '10.0.0.9', port: 5, infoHash: B, state: 'dropped', reason: 'no-pieces' });
  bus.emit('peer', { ip: '10.0.0.8', port: 5, infoHash: B, state: 'dropped', reason: 'closed' });
  bus.emit('peer', { ip: '10.0.0.7', port: 5, infoHash: B, state: 'connected' });
  active = 2;
  now += 10_000;
  stats.sample();
  const r = stats.report();
  assert.equal(r.discovered, 2);
  assert.equal(r.active, 2);
  assert.equal(r.blocked, 4);
  assert.equal(stats.spiesBlocked(A), 1);
  assert.equal(stats.spiesBlocked(B), 1, 'a peer that merely closed is not counted');
  assert.deepEqual(r.history.map((h) => [h.discovered, h.active]), [[0, 0], [2, 2], [2, 2]]);
  assert.deepEqual(r.spies.map((s) => s.reason), ['decoy-values', 'multi-port', 'sybil']);
  stats.close();
  bus.emit('spy', { ip: '10.0.0.3', reason: 'sybil' });
  assert.equal(stats.report().discovered, 2, 'closed stats stop listening');
});
