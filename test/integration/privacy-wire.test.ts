/**
 * Freerider guarantees on the DHT wire, and findspiesonly: every KRPC query the client sends
 * carries `ro: 1` (checked where it lands, in the honest bittorrent-dht nodes and the spies),
 * queries sent to the client go unanswered, and findspiesonly writes the lists without ever
 * asking for the real infohash or contacting a peer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld, type World } from '../sim/world.js';
import { startSpies, type SpyWorld } from '../sim/spies.js';
import { PrivateLookupPeerSource } from '../../src/privacy/private-lookup.js';
import { findSpiesOnly } from '../../src/privacy/find-spies-only.js';
import { decodeBounded, encode, type BDict } from '../../src/privacy/bencode-bounded.js';
import type { PeerAddress } from '../../src/privacy/peer-source.js';
import { closesAfter } from '../sim/cleanup.js';

interface Seen { ro: boolean; method: string; infoHash?: string }
type RpcSocket = { on(event: 'query', fn: (q: { q?: Uint8Array; ro?: number; a?: { info_hash?: Uint8Array } }, peer: { address: string }) => void): void };

/** What every honest node received from `host`, decoded by bittorrent-dht itself. */
function recordHonest(world: World, host: string): Seen[] {
  const seen: Seen[] = [];
  for (const n of world.dht.nodes) {
    (n.dht as unknown as { _rpc: { socket: RpcSocket } })._rpc.socket.on('query', (q, peer) => {
      if (peer.address !== host) return;
      const hash = q.a?.info_hash;
      seen.push({ ro: q.ro === 1, method: Buffer.from(q.q ?? []).toString(), ...(hash ? { infoHash: Buffer.from(hash).toString('hex') } : {}) });
    });
  }
  return seen;
}

const fromClient = (spies: SpyWorld, host: string) => spies.allNodes.flatMap((n) => n.received.filter((q) => q.from.startsWith(`${host}:`)));

test('freerider on the DHT wire: ro:1 on every query, no answer to any query', async (t) => {
  const own = closesAfter(t);
  const fx = await makeFixture({ name: 'wire.bin', files: [{ name: 'wire.bin', length: 200_000 }], seed: 41 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 150, seeders: 2 }));
  const spies = own(await startSpies({ dht: world.dht, realInfoHash: fx.infoHash }));
  const honestSeen = recordHonest(world, '127.0.0.2');
  const source = own(new PrivateLookupPeerSource({ bootstrap: world.dht.bootstrap, bindAddress: '127.0.0.2', krpcTimeoutMs: 700 }));
  const asker = own(dgram.createSocket('udp4'), (socket) => socket.close());
  await new Promise<void>((r) => asker.bind(0, '127.31.9.1', () => r()));
  const replies: unknown[] = [];
  const session = source.start(fx.infoHash);
  const peers: PeerAddress[] = [];
  await new Promise<void>((resolve) => session.on('peer', (p) => { peers.push(p); resolve(); }));
  assert.ok(peers.every((p) => world.seeders.some((s) => s.host === p.host) || spies.behaviourPeers.some((b) => b.host === p.host)));
  await session.rewalkNow();

  const krpc = await source.krpc();
  const client = krpc.address();
  asker.on('message', (m, rinfo) => { if (rinfo.port === client.port) replies.push(decodeBounded(m)); });
  const queries: Array<{ q: string; a: BDict }> = [
    { q: 'ping', a: { id: Buffer.alloc(20, 1) } },
    { q: 'find_node', a: { id: Buffer.alloc(20, 1), target: Buffer.alloc(20, 2) } },
    { q: 'get_peers', a: { id: Buffer.alloc(20, 1), info_hash: Buffer.from(fx.infoHash, 'hex') } },
    { q: 'announce_peer', a: { id: Buffer.alloc(20, 1), info_hash: Buffer.from(fx.infoHash, 'hex'), port: 1, token: Buffer.from('x') } },
  ];
  const before = krpc.stats.queriesReceived;
  for (const [i, { q, a }] of queries.entries()) asker.send(encode({ t: Buffer.from([0, i]), y: Buffer.from('q'), q: Buffer.from(q), a }), client.port, client.host);
  while (krpc.stats.queriesReceived < before + queries.length) await new Promise((r) => setTimeout(r, 10));
  // A round trip to a live node after the client handled the queries: a reply would be here by now.
  const probe = world.dht.nodes[0]!;
  await new Promise<void>((resolve) => {
    asker.on('message', (_m, rinfo) => rinfo.port === probe.port && resolve());
    asker.send(encode({ t: Buffer.from('zz'), y: Buffer.from('q'), q: Buffer.from('ping'), a: { id: Buffer.alloc(20, 1) } }), probe.port, probe.host);
  });
  assert.deepEqual(replies, [], 'the client answered nothing');
  assert.equal(krpc.stats.answered, 0);

  const sent = [...honestSeen, ...fromClient(spies, '127.0.0.2')];
  assert.ok(sent.length > 50, `the lookups reached the network (${sent.length} queries seen)`);
  assert.deepEqual(sent.filter((q) => !q.ro), [], 'every query carried ro:1');
  assert.ok(sent.length <= krpc.stats.queriesSent);
  assert.deepEqual([...new Set(sent.map((q) => q.method))], ['get_peers'], 'the client only ever sends get_peers');
});

test('findspiesonly writes the lists, never asks for the real infohash, contacts no peer', async (t) => {
  const own = closesAfter(t);
  const fx = await makeFixture({ name: 'hunt.bin', files: [{ name: 'hunt.bin', length: 200_000 }], seed: 43 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 150, seeders: 2 }));
  const spies = own(await startSpies({ dht: world.dht, realInfoHash: fx.infoHash }));
  const honestSeen = recordHonest(world, '127.0.0.3');
  const storeDir = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-hunt-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  const hunt = own(findSpiesOnly(fx.infoHash, { bootstrap: world.dht.bootstrap, bindAddress: '127.0.0.3', storeDir, krpcTimeoutMs: 700, intervalMs: 3_600_000 }), (h) => h.stop());
  await hunt.firstRound;
  await hunt.runNow();
  assert.equal(hunt.rounds, 2);
  const listed = new Set(JSON.parse(fs.readFileSync(path.join(storeDir, 'spies.txt'), 'utf8')) as string[]);
  const caught = [...spies.decoyDetectableIps].filter((ip) => listed.has(ip));
  assert.ok(caught.length >= Math.ceil(0.9 * spies.decoyDetectableIps.size), `listed ${caught.length}/${spies.decoyDetectableIps.size}`);
  assert.ok(world.seeders.every((s) => !listed.has(s.host)));
  assert.match(fs.readFileSync(path.join(storeDir, 'spies.p2p'), 'utf8'), /^torrent-live spy \(/);
  const asked = [...honestSeen, ...fromClient(spies, '127.0.0.3')];
  assert.ok(asked.length > 50);
  assert.deepEqual(asked.filter((q) => q.infoHash === fx.infoHash), [], 'the real infohash was never sent');
  assert.ok(world.seeders.every((s) => s.connections === 0), 'no seeder was contacted');
  assert.ok([...spies.decoyPeers, ...spies.behaviourPeers].every((p) => p.connections === 0), 'no spy peer was contacted');
  assert.deepEqual(fs.readdirSync(storeDir).sort(), ['audit.ndjson', 'spies.p2p', 'spies.txt'], 'nothing downloaded');
});
