import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerPool } from '../../../src/privacy/peer-pool.js';

/** n peers, each vouched by nodes in two /24s (the 'independent' tier). */
function poolWith(n: number, dialAhead: number): PeerPool {
  const pool = new PeerPool({ infoHash: 'ab'.repeat(20), maxPeers: () => 2, isBlocked: () => false, random: () => 0.5, peerLookups: new Map(), dialAhead });
  const peers = Array.from({ length: n }, (_, i) => ({ host: `10.0.${i >> 8}.${i & 255}`, port: 6881 }));
  pool.absorb(peers, '192.0.2.1:6881');
  pool.absorb(peers, '198.51.100.1:6881');
  return pool;
}

test('the pool hands the target plus the dial-ahead, and an unreachable peer frees its slot at once', () => {
  const pool = poolWith(10, 3);
  const first = pool.next(false).hand;
  assert.equal(first.length, 5, 'maxPeers 2 + 3 dialled ahead');
  assert.equal(pool.fromSpare().length, 0, 'nothing more while all five are pending');
  pool.unreachable(first[0]!.peer);
  pool.unreachable(first[1]!.peer);
  const more = pool.fromSpare();
  assert.equal(more.length, 2, 'two failed dials, two new candidates');
  assert.ok(more.every((r) => !first.some((f) => f.peer.host === r.peer.host)), 'never the same peer twice');
});

test('connected peers count against the target; a peer that connects after a failed try is in use again', () => {
  const pool = poolWith(10, 0);
  const [a, b] = pool.next(false).hand;
  pool.unreachable(a!.peer);
  pool.connected(a!.peer);
  pool.connected(b!.peer);
  assert.equal(pool.fromSpare().length, 0, 'both slots are in use');
  pool.closed(b!.peer);
  assert.equal(pool.fromSpare().length, 1);
});
