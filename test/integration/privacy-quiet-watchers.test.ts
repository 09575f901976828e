/**
 * Quiet watchers (issue 12): spy nodes that answer only the real infohash, never a decoy, each
 * from its own /24, handing out peers that accept a handshake and never deliver. Decoys cannot
 * catch them; independent vouching can: an honest seeder is stored on the ~20 nodes closest to
 * the infohash, a watcher's peer is named by that watcher alone.
 * - With 3 honest seeders, no watcher peer is ever contacted and every seeder is used, and
 *   audit.ndjson says why each peer was chosen.
 * - With 1 seeder (nothing better), watcher peers are used, dropped for sending no pieces, and the
 *   node that vouched for each becomes a suspect.
 * - A monitor's peer that colluding nodes name for every one of our torrents is ranked down once
 *   it has come back for more than 2 other torrents.
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
import { startKrpcNode } from '../sim/krpc-node.js';
import { startSpyPeer } from '../sim/spies.js';
import { startSeeder } from '../sim/seeder.js';
import { compareDistance } from '../../src/privacy/node-id.js';
import { makeDecoy } from '../../src/privacy/decoy.js';
import type { PeerAddress } from '../../src/privacy/peer-source.js';

interface AuditLine { kind: string; ip: string; state?: string; tier?: string; reason?: string }

test('quiet watchers with 3 honest seeders: no connection to a watcher peer, every seeder used, choices audited', async () => {
  const fx = await makeFixture({ name: 'quiet.mp4', files: [{ name: 'quiet.mp4', length: 2_000_000 }], seed: 71, pieceLength: 64 * 1024 });
  const world = await startWorld({ fixtures: [fx], dhtSize: 200, seeders: 3, blockDelayMs: 100, addressBlock: 51, seederBlock: 56, spreadSubnets: true });
  const spies = await startSpies({ dht: world.dht, realInfoHash: fx.infoHash, addressBase: 60, realOnly: 8, decoySpies: 4, sybils: 2, multiPortPorts: 3 });
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-quiet-'));
  const bus = new EventBus();
  const source = new PrivateLookupPeerSource({ bootstrap: world.dht.bootstrap, bindAddress: '127.69.0.2', storeDir, bus, krpcTimeoutMs: 700, relookupMinGapMs: 500 });
  const svc = await startService({ bootstrap: world.dht.bootstrap, storeDir, peerSource: source, noPiecesTimeoutMs: 1_000 });
  try {
    await svc.manager.add(`magnet:?xt=urn:btih:${fx.infoHash}`);
    const res = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0`);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(fx.content), 'byte-exact');
    const watchersAsked = spies.realOnly.filter((n) => n.received.some((q) => q.infoHash === fx.infoHash && q.from.startsWith('127.69.0.2:')));
    assert.ok(watchersAsked.length >= 4, `the watchers were asked the real infohash (${watchersAsked.length}) and answered with their peers`);
    assert.deepEqual(spies.behaviourPeers.filter((p) => p.connections > 0).map((p) => p.host), [], 'no watcher peer contacted');
    for (const s of world.seeders) assert.ok(s.connections > 0, `honest seeder ${s.host} used`);
    const [view] = (await (await fetch(`${svc.baseUrl}/api/torrents`)).json()) as Array<{ dhtNodes?: number }>;
    assert.ok((view?.dhtNodes ?? 0) >= 40, `/api/torrents shows the DHT nodes reached (${view?.dhtNodes})`);

    await source.close();
    const audit = fs.readFileSync(path.join(storeDir, 'audit.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditLine);
    for (const s of world.seeders) {
      const chosen = audit.find((a) => a.kind === 'peer' && a.ip === s.host && a.state === 'chosen');
      assert.ok(chosen, `audit says why seeder ${s.host} was chosen`);
      assert.equal(chosen.tier, 'independent');
      assert.match(chosen.reason ?? '', /^\d+ node\(s\) in \d+ \/24\(s\), \d+ passed a decoy probe/);
    }
    assert.deepEqual(audit.filter((a) => a.state === 'chosen' && spies.behaviourPeers.some((p) => p.host === a.ip)), [], 'no watcher peer chosen');
  } finally {
    await svc.close({ keepStore: true });
    await source.close();
    await spies.close();
    await world.close();
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
});

test('quiet watchers with 1 seeder: their peers are used for want of better, dropped for no pieces, their vouchers suspected', async () => {
  const fx = await makeFixture({ name: 'lonely.mp4', files: [{ name: 'lonely.mp4', length: 3_000_000 }], seed: 72, pieceLength: 64 * 1024 });
  // A slow seeder (3 MB at 300 KB/s: 10 s) keeps the download going past the no-pieces timeout,
  // so behaviour checks run. A per-block delay would not: the engine keeps many blocks in flight.
  const world = await startWorld({ fixtures: [fx], dhtSize: 160, seeders: 1, rateBytesPerSec: 300_000, addressBlock: 52, seederBlock: 57, spreadSubnets: true });
  const spies = await startSpies({ dht: world.dht, realInfoHash: fx.infoHash, addressBase: 60, realOnly: 3, decoySpies: 2, sybils: 1, multiPortPorts: 2 });
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-lonely-'));
  const bus = new EventBus();
  const source = new PrivateLookupPeerSource({ bootstrap: world.dht.bootstrap, bindAddress: '127.69.0.3', storeDir, bus, krpcTimeoutMs: 700, relookupMinGapMs: 1_000 });
  const svc = await startService({ bootstrap: world.dht.bootstrap, storeDir, peerSource: source, noPiecesTimeoutMs: 1_000 });
  bus.subscribe((e) => svc.events.push(e));
  try {
    await svc.manager.add(`magnet:?xt=urn:btih:${fx.infoHash}`);
    const droppedFor = (ip: string) => svc.events.some((e) => e.event === 'peer' && e.ip === ip && e.state === 'dropped' && e.reason === 'no-pieces');
    const connectedTo = (ip: string) => svc.events.some((e) => e.event === 'peer' && e.ip === ip && e.state === 'connected');
    const met = () => spies.behaviourPeers.filter((p) => connectedTo(p.host));
    // The test runner's timeout bounds this wait.
    while (!(met().length > 0 && met().every((p) => droppedFor(p.host))) && !svc.events.some((e) => e.event === 'done')) await new Promise((r) => setTimeout(r, 100));
    assert.ok(met().length > 0, 'with one seeder, single-node peers are used');
    for (const p of met()) {
      assert.ok(droppedFor(p.host), `watcher peer ${p.host} dropped for sending no pieces`);
      assert.equal(source.watch.registry.isSuspect(p.host), true);
      const watcher = spies.realOnly[spies.behaviourPeers.indexOf(p)]!;
      assert.equal(source.watch.registry.isSuspect(watcher.host), true, `the watcher that vouched for it (${watcher.host}) is suspect`);
    }
    const res = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0`);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(fx.content), 'byte-exact from the one seeder');
  } finally {
    await svc.close();
    await source.close();
    await spies.close();
    await world.close();
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
});

test('a peer several nodes name for every torrent we look up is ranked down after the second other torrent', async () => {
  const fixtures = await Promise.all([0, 1, 2, 3].map((i) => makeFixture({ name: `multi-${i}.bin`, files: [{ name: `multi-${i}.bin`, length: 100_000 }], seed: 80 + i })));
  const world = await startWorld({ fixtures, dhtSize: 160, seeders: 0, addressBlock: 53, spreadSubnets: true });
  // Each torrent has its own 3 seeders: a seeder of every torrent we watch would be ranked down too.
  const seeders = await Promise.all(fixtures.flatMap((f, t) => [0, 1, 2].map((i) => startSeeder({ host: `127.58.${t}.${i + 1}`, fixtures: [f], bootstrap: world.dht.bootstrap }))));
  // A monitor's peer, named by three colluding nodes in three /24s for each of our real infohashes
  // (never a decoy), next to each torrent's neighbourhood so the walks meet them.
  const monitor = await startSpyPeer('127.67.1.1');
  const reals = new Set(fixtures.map((f) => f.infoHash));
  const honest = world.dht.nodes.map((n) => ({ id: n.id, host: n.host, port: n.port }));
  const colluders = await Promise.all(
    fixtures.flatMap((f, t) =>
      [0, 1, 2].map((i) =>
        startKrpcNode({
          host: `127.64.${t * 3 + i + 1}.1`,
          id: makeDecoy(Buffer.from(f.infoHash, 'hex'), { sharedBits: 6 }),
          values: (h) => (reals.has(h.toString('hex')) ? [{ host: monitor.host, port: monitor.port }] : null),
          neighbours: () => [...honest].sort((a, b) => compareDistance(Buffer.from(f.infoHash, 'hex'), a.id, b.id)).slice(0, 8),
        }),
      ),
    ),
  );
  for (const node of world.dht.nodes) for (const c of colluders) node.dht.addNode({ id: c.id, host: c.host, port: c.port });
  const source = new PrivateLookupPeerSource({ bootstrap: world.dht.bootstrap, bindAddress: '127.69.0.5', krpcTimeoutMs: 700 });
  try {
    const handed: PeerAddress[][] = [];
    for (const f of fixtures) {
      const session = source.start(f.infoHash);
      const peers: PeerAddress[] = [];
      session.on('peer', (p) => peers.push(p));
      while (peers.length === 0) await new Promise((r) => setTimeout(r, 20));
      await session.idle();
      handed.push(peers);
      session.stop();
    }
    const gotMonitor = handed.map((peers) => peers.some((p) => p.host === monitor.host));
    assert.ok(gotMonitor[0], 'first torrent: three independent nodes vouch for it, it is handed out');
    assert.equal(gotMonitor[3], false, 'fourth torrent: it came back for 3 other torrents, ranked down and held');
    handed.forEach((peers, t) => assert.deepEqual(seeders.slice(3 * t, 3 * t + 3).filter((s) => !peers.some((p) => p.host === s.host)).map((s) => s.host), [], `torrent ${t}: every seeder handed`));
  } finally {
    await source.close();
    await Promise.all(colluders.map((c) => c.close()));
    await monitor.close();
    await Promise.all(seeders.map((s) => s.close()));
    await world.close();
  }
});
