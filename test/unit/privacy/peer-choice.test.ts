import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choosePeers, evidenceFromOffers, MIN_VOUCHED_PEERS, rankPeer, subnetOf, type PeerEvidence, type PeerOffer } from '../../../src/privacy/peer-choice.js';
import { seededRandom } from './seeded.js';

const offer = (host: string, port: number, from: string): PeerOffer => ({ peer: { host, port }, from });
const evidence = (host: string, vouchers: string[], extra: Partial<PeerEvidence> = {}): PeerEvidence => ({
  peer: { host, port: 1 },
  vouchers: new Set(vouchers),
  probedVouchers: vouchers.length,
  firstResponderOnly: false,
  otherLookups: 0,
  ...extra,
});
const open = { isBlocked: () => false, random: seededRandom(1) };

test('peers rank by independent vouching: /24s, then nodes; ranked-down last', () => {
  const table: Array<[PeerEvidence, string]> = [
    [evidence('127.9.0.1', ['1.1.1.1:1', '2.2.2.2:1']), 'independent'],
    [evidence('127.9.0.2', ['1.1.1.1:1', '1.1.1.2:1']), 'several-nodes'],
    [evidence('127.9.0.3', ['1.1.1.1:1', '1.1.1.1:2']), 'single-node'],
    [evidence('127.9.0.4', ['1.1.1.1:1']), 'single-node'],
    [evidence('127.9.0.5', ['1.1.1.1:1'], { firstResponderOnly: true }), 'ranked-down'],
    [evidence('127.9.0.6', ['1.1.1.1:1', '2.2.2.2:1'], { otherLookups: 3 }), 'ranked-down'],
    [evidence('127.9.0.7', ['1.1.1.1:1', '2.2.2.2:1'], { otherLookups: 2 }), 'independent'],
  ];
  for (const [e, tier] of table) assert.equal(rankPeer(e).tier, tier, e.peer.host);
  assert.match(rankPeer(table[5]![0]).why, /2 node\(s\) in 2 \/24\(s\), 2 passed a decoy probe; ranked down: returned in 3 lookups for other torrents/);
  assert.equal(subnetOf('10.1.2.3'), '10.1.2');
  assert.equal(subnetOf('2001:db8:1:2::1'), '2001:db8:1');
});

test('with enough vouched peers, single-node peers are held back; best first', () => {
  const all = [
    evidence('127.9.1.1', ['1.1.1.1:1']),
    evidence('127.9.1.2', ['1.1.1.1:1', '2.2.2.2:1', '3.3.3.3:1']),
    evidence('127.9.1.3', ['1.1.1.1:1', '1.1.1.2:1']),
    evidence('127.9.1.4', ['1.1.1.1:1', '2.2.2.2:1']),
    evidence('127.9.1.5', ['4.4.4.4:1']),
  ];
  const r = choosePeers(all, { ...open, maxPeers: 2 });
  assert.deepEqual(r.chosen.map((c) => c.peer.host), ['127.9.1.2', '127.9.1.4']);
  assert.deepEqual(r.spare.map((c) => c.peer.host), ['127.9.1.3']);
  assert.deepEqual(r.held.map((c) => c.peer.host).sort(), ['127.9.1.1', '127.9.1.5']);
});

test('with fewer vouched peers than MIN_VOUCHED_PEERS, single-node peers are used after them', () => {
  const all = [evidence('127.9.2.1', ['1.1.1.1:1']), evidence('127.9.2.2', ['1.1.1.1:1', '2.2.2.2:1'])];
  assert.equal(MIN_VOUCHED_PEERS, 3);
  const r = choosePeers(all, { ...open, maxPeers: 20 });
  assert.deepEqual(r.chosen.map((c) => c.peer.host), ['127.9.2.2', '127.9.2.1']);
  assert.deepEqual(r.held, []);
  const inUse = choosePeers(all, { ...open, maxPeers: 20, vouchedInUse: 2 });
  assert.deepEqual(inUse.chosen.map((c) => c.peer.host), ['127.9.2.2'], 'vouched peers already connected count');
});

test('blocklisted and multi-port peers are dropped; excluded ones skipped', () => {
  const offers = [offer('127.9.3.1', 1, 'A:1'), offer('127.9.3.1', 2, 'B:1'), offer('127.9.3.2', 1, 'A:1'), offer('127.9.3.3', 1, 'B:1'), offer('127.9.3.4', 1, 'B:1')];
  const r = choosePeers(evidenceFromOffers(offers), { ...open, maxPeers: 20, isBlocked: (ip) => ip === '127.9.3.2', exclude: new Set(['127.9.3.4:1']) });
  assert.deepEqual(r.dropped.map((d) => `${d.peer.host}:${d.peer.port}:${d.reason}`), ['127.9.3.1:1:multi-port', '127.9.3.1:2:multi-port', '127.9.3.2:1:blocklisted']);
  assert.deepEqual(r.chosen.map((c) => c.peer.host), ['127.9.3.3']);
});

test('first responders: a peer only the first answering node named is ranked down, unless that node was alone', () => {
  const ev = evidenceFromOffers([offer('127.9.4.1', 1, 'A:1'), offer('127.9.4.2', 1, 'A:1'), offer('127.9.4.2', 1, 'B:1')]);
  assert.deepEqual(ev.map((e) => [e.peer.host, rankPeer(e).tier]), [['127.9.4.1', 'ranked-down'], ['127.9.4.2', 'independent']]);
  const alone = evidenceFromOffers([offer('127.9.4.1', 1, 'A:1')]);
  assert.equal(rankPeer(alone[0]!).tier, 'single-node');
});

test('the pick within a rank is random: different seeds order equal peers differently', () => {
  const all = Array.from({ length: 30 }, (_, i) => evidence(`127.9.5.${i + 1}`, ['1.1.1.1:1', '2.2.2.2:1']));
  const picks = new Set([1, 2, 3, 4, 5].map((s) => choosePeers(all, { maxPeers: 5, isBlocked: () => false, random: seededRandom(s) }).chosen.map((p) => p.peer.host).sort().join()));
  assert.ok(picks.size > 1);
});

test('short of vouched peers, single-node stand-ins fill only the missing places, the voucher nearest the infohash first', () => {
  const singles = [7, 2, 30, 1, 12].map((rank, i) => evidence(`127.9.6.${i + 1}`, [`1.1.${i}.1:1`], { closestVoucherRank: rank }));
  const none = choosePeers(singles, { ...open, maxPeers: 20 });
  assert.deepEqual(none.chosen.map((c) => c.voucherRank), [1, 2, 7], 'three stand-ins, nearest vouchers first');
  assert.deepEqual(none.held.map((c) => c.voucherRank), [12, 30]);
  assert.match(none.chosen[0]!.why, /closest voucher ranked 1 from the infohash/);
  const oneVouched = choosePeers([...singles, evidence('127.9.6.9', ['1.1.1.1:1', '2.2.2.2:1'])], { ...open, maxPeers: 20 });
  assert.deepEqual(oneVouched.chosen.map((c) => c.peer.host), ['127.9.6.9', '127.9.6.4', '127.9.6.2']);
  const inUse = choosePeers(singles, { ...open, maxPeers: 20, standInsInUse: 2 });
  assert.deepEqual(inUse.chosen.map((c) => c.voucherRank), [1], 'stand-ins already in use count');
});

test('a stand-in ranked down only for answering first still goes before one named by a node farther from the infohash', () => {
  const holder = evidence('127.9.7.1', ['1.1.1.1:1'], { closestVoucherRank: 1, firstResponderOnly: true });
  const watchers = [9, 14, 17].map((rank, i) => evidence(`127.9.7.${i + 2}`, [`2.2.${i}.1:1`], { closestVoucherRank: rank }));
  const r = choosePeers([...watchers, holder], { ...open, maxPeers: 20 });
  assert.equal(rankPeer(holder).tier, 'ranked-down');
  assert.deepEqual(r.chosen.map((c) => c.peer.host), ['127.9.7.1', '127.9.7.2', '127.9.7.3']);
});
