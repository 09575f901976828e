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

test('a peer handed on the word of a node the final vetting drops loses its vouching and is dropped once enough vouched peers exist', () => {
  const pool = new PeerPool({ infoHash: 'ab'.repeat(20), maxPeers: () => 10, isBlocked: () => false, random: () => 0.5, peerLookups: new Map(), dialAhead: 0 });
  const honest = [1, 2, 3].map((i) => ({ host: `10.1.0.${i}`, port: 6881 }));
  const doubtful = { host: '10.9.0.1', port: 6881 };
  pool.absorb(honest, '192.0.2.1:6881');
  pool.absorb(honest, '198.51.100.1:6881');
  // Vouched by one good node and one asked early that the final vetting then drops.
  pool.absorb([doubtful], '192.0.2.1:6881');
  pool.absorb([doubtful], '203.0.113.9:6881');
  const handed = pool.next(true).hand;
  assert.equal(handed.length, 4, 'all four were vouched by two nodes while answers streamed in');
  const lost = pool.revoke((v) => v.startsWith('203.0.113.9:'));
  assert.deepEqual(lost.map((r) => r.peer.host), ['10.9.0.1'], 'single-node now, with three vouched peers in use');
  assert.equal(lost[0]!.tier, 'single-node');
  assert.deepEqual(pool.revoke((v) => v.startsWith('203.0.113.9:')), [], 'once');
  assert.equal(pool.next(false).hand.length, 0, 'never handed again');
});

test('losing a voucher keeps a single-node peer while fewer than three vouched peers exist, and drops a peer left with none', () => {
  const pool = new PeerPool({ infoHash: 'ab'.repeat(20), maxPeers: () => 10, isBlocked: () => false, random: () => 0.5, peerLookups: new Map(), dialAhead: 0 });
  const a = { host: '10.1.0.1', port: 6881 };
  const b = { host: '10.1.0.2', port: 6881 };
  pool.absorb([a], '192.0.2.1:6881');
  pool.absorb([a, b], '203.0.113.9:6881');
  pool.absorb([b], '203.0.113.10:6881');
  assert.equal(pool.next(true).hand.length, 2);
  const lost = pool.revoke((v) => v.startsWith('203.0.113.'));
  assert.deepEqual(lost.map((r) => r.peer.host), ['10.1.0.2'], 'b had only the revoked nodes; a keeps one voucher and is all there is');
  assert.deepEqual(pool.vouchersOf(a), ['192.0.2.1:6881']);
});

test('stand-ins: none while the first round streams, the nearest three at its end, the next one as soon as one fails', () => {
  const pool = new PeerPool({ infoHash: 'ab'.repeat(20), maxPeers: () => 10, isBlocked: () => false, random: () => 0.5, peerLookups: new Map(), dialAhead: 0 });
  const nodes = Array.from({ length: 6 }, (_, i) => `192.0.2.${i + 1}:6881`);
  nodes.forEach((node, i) => pool.absorb([{ host: `10.3.0.${i + 1}`, port: 6881 }], node));
  assert.equal(pool.next(true).hand.length, 0, 'no vouched peer yet, and the round is not over');
  pool.setHolderRanks([...nodes].reverse());
  const first = pool.next(false).hand;
  assert.deepEqual(first.map((r) => r.peer.host), ['10.3.0.6', '10.3.0.5', '10.3.0.4'], 'named by the nodes nearest the infohash');
  assert.equal(pool.next(true).hand.length, 0, 'three in use');
  pool.condemn(first[0]!.peer);
  assert.deepEqual(pool.next(true).hand.map((r) => r.peer.host), ['10.3.0.3'], 'one failed, the next nearest replaces it');
  pool.unreachable(first[1]!.peer);
  assert.deepEqual(pool.next(true).hand.map((r) => r.peer.host), ['10.3.0.2']);
});

test('a later round that hears a nearer voucher swaps it in for the farthest stand-in in use', () => {
  const pool = new PeerPool({ infoHash: 'ab'.repeat(20), maxPeers: () => 10, isBlocked: () => false, random: () => 0.5, peerLookups: new Map(), dialAhead: 0 });
  const watchers = [1, 2, 3].map((i) => `203.0.113.${i}:6881`);
  watchers.forEach((node, i) => pool.absorb([{ host: `10.8.0.${i + 1}`, port: 6881 }], node));
  pool.setHolderRanks(['192.0.2.1:6881', ...watchers]);
  assert.equal(pool.next(false).hand.length, 3, 'the holder nearest the infohash was silent: three watchers stand in');
  // The next round hears the holder, first of all, with the seeder it stores.
  pool.absorb([{ host: '10.4.0.1', port: 6881 }], '192.0.2.1:6881');
  pool.setHolderRanks(['192.0.2.1:6881', ...watchers.slice(0, 2)]);
  const { hand, retire } = pool.next(false);
  assert.deepEqual(hand.map((r) => r.peer.host), ['10.4.0.1']);
  assert.deepEqual(retire.map((r) => [r.peer.host, r.because]), [['10.8.0.3', 'replaced by a stand-in named by a node nearer the infohash']], 'the farthest goes; a voucher silent this round keeps its earlier rank');
});
