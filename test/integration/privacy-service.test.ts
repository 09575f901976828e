/**
 * The private lookup as users get it: built by the service itself from flags (no test-made
 * PeerSource), with a --blocklist, the spy counters on /api/spies and the torrent view, the
 * exported spies.p2p; findspiesonly and a bad --blocklist through the real CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { startSpies } from '../sim/spies.js';
import { parseBlocklist } from '../../src/privacy/blocklist.js';

import { runCli } from '../sim/cli-process.js';
import { closesAfter } from '../sim/cleanup.js';

test('default service: private lookup with a gzip --blocklist, /api/spies, spies.p2p, spies blocked per torrent', async (t) => {
  const own = closesAfter(t);
  const fx = await makeFixture({ name: 'default.bin', files: [{ name: 'default.bin', length: 1_500_000 }], seed: 61, pieceLength: 64 * 1024 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 150, seeders: 2 }));
  const spies = own(await startSpies({ dht: world.dht, realInfoHash: fx.infoHash, realOnly: 0 }));
  const dir = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-privsvc-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  const blockedSeeder = world.seeders[1]!.host;
  const listFile = path.join(dir, 'others.p2p.gz');
  fs.writeFileSync(listFile, zlib.gzipSync(`# from a friend\nsomeone:${blockedSeeder}-${blockedSeeder}\n`));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, storeDir: path.join(dir, 'store'), privateLookup: true, config: { blocklists: [listFile] } }));
  assert.equal(svc.privacy?.blocklistRanges, 1);
  await svc.manager.add(`magnet:?xt=urn:btih:${fx.infoHash}`);
  const res = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0`);
  assert.ok(Buffer.from(await res.arrayBuffer()).equals(fx.content), 'byte-exact through the default private lookup');
  const connected = new Set(svc.events.flatMap((e) => (e.event === 'peer' && e.state === 'connected' ? [e.ip] : [])));
  assert.ok(connected.has(world.seeders[0]!.host), 'the allowed seeder served it');
  assert.equal(connected.has(blockedSeeder), false, 'the blocklisted seeder was never contacted');
  for (const p of spies.decoyPeers) assert.equal(p.connections, 0, `decoy spy peer ${p.host} never contacted`);

  const report = (await (await fetch(`${svc.baseUrl}/api/spies`)).json()) as { discovered: number; active: number; blocked: number; history: unknown[]; spies: Array<{ ip: string; reason: string }> };
  assert.ok(report.discovered >= 10, `spies discovered: ${report.discovered}`);
  assert.ok(report.active >= report.discovered && report.blocked >= report.active, JSON.stringify({ ...report, spies: report.spies.length }));
  assert.ok(report.history.length >= 1);
  assert.ok(report.spies.every((s) => s.ip && s.reason));
  assert.ok(report.spies.some((s) => s.reason === 'decoy-values'));

  const p2p = await fetch(`${svc.baseUrl}/api/spies.p2p`);
  assert.match(p2p.headers.get('content-disposition') ?? '', /spies\.p2p/);
  const parsed = parseBlocklist(await p2p.text());
  assert.equal(parsed.malformed, 0);
  assert.equal(parsed.ranges.length, report.active);

  const torrents = (await (await fetch(`${svc.baseUrl}/api/torrents`)).json()) as Array<{ infoHash: string; spiesBlocked: number }>;
  assert.ok(torrents[0]!.spiesBlocked > 0, `spiesBlocked on the torrent view: ${torrents[0]!.spiesBlocked}`);
});

test('CLI: a bad --blocklist exits 2 with E_BAD_BLOCKLIST and writes nothing', async (t) => {
  const own = closesAfter(t);
  const cwd = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-badlist-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(cwd, 'junk.txt'), 'hello\nworld\n');
  for (const list of ['missing.p2p', 'junk.txt']) {
    const run = own(runCli(['c9e15763f722f23e98a29decdfae341b98d53056', '--blocklist', list, '--dht-bootstrap', '127.0.0.1:9', '--port', '0', '--interface', '127.0.0.1'], cwd));
    assert.equal(await run.exit, 2, run.err());
    assert.match(run.err(), new RegExp(`E_BAD_BLOCKLIST.*${list.replace('.', '\\.')}`));
  }
  assert.deepEqual(fs.readdirSync(cwd).sort(), ['junk.txt']);
});

test('CLI findspiesonly: grows spies.txt and spies.p2p, contacts no peer, downloads nothing, Ctrl-C exits 0', async (t) => {
  const own = closesAfter(t);
  const fx = await makeFixture({ name: 'hunted.bin', files: [{ name: 'hunted.bin', length: 300_000 }], seed: 62 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 150, seeders: 2 }));
  const spies = own(await startSpies({ dht: world.dht, realInfoHash: fx.infoHash }));
  const cwd = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-hunt-cli-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  const run = own(runCli([fx.infoHash, 'findspiesonly', '--store', 'store', '--bind', '127.0.0.4', '--dht-bootstrap', world.dht.bootstrap.join(',')], cwd));
  await run.until('a finished round', () => /round done: \d+ spies active/.test(run.out()));
  assert.equal(await run.close(), 0, run.err());
  const store = path.join(cwd, 'store');
  const listed = new Set(JSON.parse(fs.readFileSync(path.join(store, 'spies.txt'), 'utf8')) as string[]);
  const caught = [...spies.decoyDetectableIps].filter((ip) => listed.has(ip));
  assert.ok(caught.length >= Math.ceil(0.9 * spies.decoyDetectableIps.size), `${caught.length}/${spies.decoyDetectableIps.size} listed`);
  assert.equal(parseBlocklist(fs.readFileSync(path.join(store, 'spies.p2p'), 'utf8')).ranges.length, listed.size);
  assert.deepEqual(fs.readdirSync(store).filter((f) => !['spies.txt', 'spies.p2p', 'audit.ndjson', 'dht-nodes.json'].includes(f)), [], 'nothing downloaded');
  for (const s of world.seeders) assert.equal(s.connections, 0, `seeder ${s.host} never contacted`);
  for (const p of [...spies.decoyPeers, ...spies.behaviourPeers]) assert.equal(p.connections, 0);
  const askedReal = spies.allNodes.some((n) => n.received.some((q) => q.method === 'get_peers' && q.infoHash === fx.infoHash && q.from.startsWith('127.0.0.4:')));
  assert.equal(askedReal, false, 'the real infohash was never asked');
});
