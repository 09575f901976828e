/**
 * The private lookup end to end on a loopback DHT of 160 honest bittorrent-dht nodes, three
 * honest seeders and 22 spy nodes of every kind (test/sim/spies.ts): the file streams byte-exact
 * through the engine, the real infohash reaches no detectable spy, no detectable spy peer is
 * contacted, the quiet watchers' peers (vouched for by one node each) are never contacted while
 * three seeders are, and the spy lists are right. Behaviour blocking, for when a single-node peer
 * is all there is, is in privacy-quiet-watchers.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { startSpies } from '../sim/spies.js';
import { EventBus } from '../../src/events.js';
import { PrivateLookupPeerSource } from '../../src/privacy/private-lookup.js';
import { parseBlocklist } from '../../src/privacy/blocklist.js';
import { numberToIpv4 } from '../../src/privacy/ip-range.js';
import { closesAfter } from '../sim/cleanup.js';

const CLIENT = '127.69.0.1';

test('private lookup on a DHT with spies: byte-exact stream, no spy asked or contacted, spies listed', async (t) => {
  const own = closesAfter(t);
  const fx = await makeFixture({ name: 'private.mp4', files: [{ name: 'private.mp4', length: 4_000_000 }], seed: 31, pieceLength: 64 * 1024 });
  // Slow seeders keep the download going past the no-pieces timeout, so behaviour checks run.
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 160, seeders: 3, blockDelayMs: 300, addressBlock: 50, seederBlock: 55 }));
  const spies = own(await startSpies({ dht: world.dht, realInfoHash: fx.infoHash, addressBase: 60 }));
  const storeDir = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-private-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  const bus = new EventBus();
  const source = own(new PrivateLookupPeerSource({ bootstrap: world.dht.bootstrap, bindAddress: CLIENT, storeDir, bus, krpcTimeoutMs: 700, relookupMinGapMs: 1_000 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, storeDir, peerSource: source, noPiecesTimeoutMs: 1_000 }));
  bus.subscribe((e) => svc.events.push(e));
  const added = await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: `magnet:?xt=urn:btih:${fx.infoHash}` }) });
  assert.equal(added.status, 201);
  const res = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0`);
  const body = Buffer.from(await res.arrayBuffer());
  assert.equal(res.status, 200);
  assert.ok(body.equals(fx.content), 'streamed bytes match the file');
  assert.deepEqual(spies.behaviourPeers.filter((p) => p.connections > 0).map((p) => p.host), [], 'no quiet watcher peer was contacted');
  for (const s of world.seeders) assert.ok(s.connections > 0, `honest seeder ${s.host} was used`);

  const askedReal = (nodes: typeof spies.allNodes) => nodes.filter((n) => n.received.some((q) => q.method === 'get_peers' && q.infoHash === fx.infoHash && q.from.startsWith(`${CLIENT}:`)));
  const detectable = [...spies.decoySpies, ...spies.sybils, ...spies.multiPort];
  assert.deepEqual(askedReal(detectable).map((n) => `${n.host}:${n.port}`), [], 'no detectable spy node got the real infohash');
  const metDecoySpies = spies.decoySpies.filter((n) => n.received.some((q) => q.from.startsWith(`${CLIENT}:`)));
  assert.ok(metDecoySpies.length >= 6, `the sweep met the decoy spies (${metDecoySpies.length})`);

  assert.deepEqual(spies.decoyPeers.filter((p) => p.connections > 0).map((p) => p.host), [], 'no decoy-detected spy peer was contacted');

  await source.close();
  const listed = new Set(JSON.parse(fs.readFileSync(path.join(storeDir, 'spies.txt'), 'utf8')) as string[]);
  const caught = [...spies.decoyDetectableIps].filter((ip) => listed.has(ip));
  assert.ok(caught.length >= Math.ceil(0.9 * spies.decoyDetectableIps.size), `spies.txt lists ${caught.length}/${spies.decoyDetectableIps.size} decoy-detectable IPs`);
  for (const s of world.seeders) assert.equal(listed.has(s.host), false, `honest seeder ${s.host} is not listed`);
  for (const n of world.dht.nodes) assert.equal(listed.has(n.host), false, `honest node ${n.host} is not listed`);
  for (const s of [...spies.sybils, ...spies.multiPort]) assert.ok(listed.has(s.host), `${s.host} (sybil or multi-port) is listed`);
  const p2p = parseBlocklist(fs.readFileSync(path.join(storeDir, 'spies.p2p'), 'utf8'));
  assert.equal(p2p.malformed, 0);
  assert.deepEqual(new Set(p2p.ranges.map((r) => numberToIpv4(r.start))), listed);
  const audit = fs.readFileSync(path.join(storeDir, 'audit.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; ip: string });
  assert.ok(audit.some((a) => a.kind === 'peer' && world.seeders.some((s) => s.host === a.ip)), 'audit records the seeders connected to');
  assert.ok(audit.some((a) => a.kind === 'spy'), 'audit records spies with evidence');
  assert.ok(svc.events.some((e) => e.event === 'spy'), 'spy events emitted');
});

test('after a restart the lookup starts from the nodes it remembered: it finds the seeders with every router gone, and still asks no spy', async (t) => {
  const own = closesAfter(t);
  const fx = await makeFixture({ name: 'warm.mp4', files: [{ name: 'warm.mp4', length: 300_000 }], seed: 32 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 160, seeders: 3, addressBlock: 51, seederBlock: 56, routers: true, announceClosest: 8 }));
  const spies = own(await startSpies({ dht: world.dht, realInfoHash: fx.infoHash, addressBase: 62 }));
  const storeDir = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-warm-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  const client = '127.69.0.2';
  const seeders = new Set(world.seeders.map((s) => s.host));
  const firstSeeder = (source: PrivateLookupPeerSource) =>
    new Promise<string>((resolve, reject) => {
      const session = source.start(fx.infoHash);
      const timer = setTimeout(() => reject(new Error('no seeder handed within 20 s')), 20_000);
      session.on('peer', (p: { host: string }) => {
        if (!seeders.has(p.host)) return;
        clearTimeout(timer);
        resolve(p.host);
      });
    });

  const first = new PrivateLookupPeerSource({ bootstrap: world.dht.bootstrap, bindAddress: client, storeDir, krpcTimeoutMs: 700 });
  await firstSeeder(first);
  await first.close();
  const saved = JSON.parse(fs.readFileSync(path.join(storeDir, 'dht-nodes.json'), 'utf8')) as { networkSize: number; nodes: Array<[string, string, number, number]> };
  const savedHosts = new Set(saved.nodes.map((n) => n[1]));
  assert.ok(saved.nodes.length >= 20, `the walk's answering nodes were saved (${saved.nodes.length})`);
  assert.ok(saved.networkSize > 0, 'with the size estimate');
  const listed = new Set(JSON.parse(fs.readFileSync(path.join(storeDir, 'spies.txt'), 'utf8')) as string[]);
  assert.deepEqual([...savedHosts].filter((h) => listed.has(h) || spies.decoyDetectableIps.has(h)), [], 'no spy is remembered as a node to start from');

  // The routers are gone: only what was remembered can start the walk.
  await Promise.all(world.dht.nodes.slice(0, 8).map((n) => new Promise<void>((r) => n.dht.destroy(() => r()))));
  const before = spies.allNodes.map((n) => n.received.length);
  const second = own(new PrivateLookupPeerSource({ bootstrap: world.dht.bootstrap, bindAddress: client, storeDir, krpcTimeoutMs: 700 }));
  assert.ok(seeders.has(await firstSeeder(second)), 'a seeder was found from the remembered nodes alone');
  const detectable = [...spies.decoySpies, ...spies.sybils, ...spies.multiPort];
  const askedRealAfter = detectable.filter((n, i) => n.received.slice(before[spies.allNodes.indexOf(n)] ?? i).some((q) => q.infoHash === fx.infoHash));
  assert.deepEqual(askedRealAfter.map((n) => n.host), [], 'no detectable spy got the real infohash in the warm lookup');
});
