import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choosePeers, type PeerOffer } from '../../../src/privacy/peer-choice.js';
import { seededRandom } from './seeded.js';

const offer = (host: string, port: number, from: string): PeerOffer => ({ peer: { host, port }, from });

test('drops blocklisted, multi-port and first-responder peers, picks at random up to maxPeers', () => {
  const offers = [
    offer('127.9.0.1', 1000, 'A'), // only the first node vouches for it
    offer('127.9.0.2', 1000, 'A'),
    offer('127.9.0.2', 1000, 'B'), // also from B: kept
    offer('127.9.0.3', 1000, 'B'),
    offer('127.9.0.4', 1000, 'B'), // blocklisted
    offer('127.9.0.5', 1000, 'B'),
    offer('127.9.0.5', 1001, 'C'), // one IP, two ports
    offer('127.9.0.6', 1000, 'C'),
    offer('127.9.0.7', 1000, 'C'),
  ];
  const r = choosePeers(offers, { maxPeers: 2, isBlocked: (ip) => ip === '127.9.0.4', random: seededRandom(3) });
  const dropped = Object.fromEntries(r.dropped.map((d) => [`${d.peer.host}:${d.peer.port}`, d.reason]));
  assert.deepEqual(dropped, {
    '127.9.0.1:1000': 'first-responder',
    '127.9.0.4:1000': 'blocklisted',
    '127.9.0.5:1000': 'multi-port',
    '127.9.0.5:1001': 'multi-port',
  });
  assert.equal(r.chosen.length, 2);
  const all = [...r.chosen, ...r.spare].map((p) => p.host).sort();
  assert.deepEqual(all, ['127.9.0.2', '127.9.0.3', '127.9.0.6', '127.9.0.7']);
});

test('a lone answering node is not dropped as first responder; excluded peers are skipped', () => {
  const offers = [offer('127.9.1.1', 1, 'A'), offer('127.9.1.2', 1, 'A')];
  const r = choosePeers(offers, { maxPeers: 20, isBlocked: () => false, exclude: new Set(['127.9.1.2:1']), random: seededRandom(1) });
  assert.deepEqual(r.chosen, [{ host: '127.9.1.1', port: 1 }]);
  assert.deepEqual(r.dropped, []);
});

test('the pick is random: different seeds choose different subsets', () => {
  const offers = Array.from({ length: 30 }, (_, i) => offer(`127.9.2.${i + 1}`, 1, i % 2 ? 'A' : 'B'));
  const picks = new Set([1, 2, 3, 4, 5].map((s) => choosePeers(offers, { maxPeers: 5, isBlocked: () => false, random: seededRandom(s) }).chosen.map((p) => p.host).sort().join()));
  assert.ok(picks.size > 1);
  const r = choosePeers(offers, { maxPeers: 5, isBlocked: () => false, random: seededRandom(9) });
  assert.equal(r.chosen.length + r.spare.length + r.dropped.length, 30);
  assert.equal(r.dropped.length, 15, 'the 15 only the first node named');
});
