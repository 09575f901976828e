/**
 * Quiet watchers (issue 12): spy nodes that answer only the real infohash, never a decoy, each
 * from its own /24, handing out peers that accept a handshake and never deliver. Decoys cannot
 * catch them; independent vouching can: an honest seeder is stored on the ~20 nodes closest to
 * the infohash, a watcher's peer is named by that watcher alone.
 * - With 3 honest seeders, no watcher peer is ever contacted and every seeder is used, and
 *   audit.ndjson says why each peer was chosen.
 * - With 1 seeder (nothing better), watcher peers are used, dropped for sending no pieces, and the
 *   node that vouched for each becomes a suspect.
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
  // A slow seeder keeps the download going past the no-pieces timeout, so behaviour checks run.
  const world = await startWorld({ fixtures: [fx], dhtSize: 160, seeders: 1, blockDelayMs: 300, addressBlock: 52, seederBlock: 57, spreadSubnets: true });
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
