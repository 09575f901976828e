/**
 * A full disk is a state, not an endless download: a 200 MB torrent on a 50 MB store (a tmpfs
 * this test mounts, root needed) downloads at most the store's size plus 10 %, says
 * `paused: "disk full"` in the API and as an event, answers a /stream read past what is stored
 * with 507 E_DISK_FULL while what is stored still plays, and resumes by itself when a filler file
 * is deleted, pausing again when that space is used too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { PlainLookupPeerSource } from '../sim/plain-lookup.js';
import { until } from '../sim/wait.js';
import { closesAfter, type Own } from '../sim/cleanup.js';

const HOST = '127.172.0.1';
const MiB = 1024 * 1024;
const STORE_BYTES = 50 * MiB;
const FILLER_BYTES = 10 * MiB;
const TORRENT_BYTES = 200 * MiB;

function mountTmpfs(own: Own, bytes: number): string {
  assert.equal(process.getuid?.(), 0, 'this test mounts a tmpfs: run it as root');
  const mountPoint = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-diskfull-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', mountPoint]);
  own(mountPoint, (dir) => void execFileSync('umount', ['-l', dir]));
  return mountPoint;
}

/** Waits until the seeder has sent nothing for a second: what was on its way has landed. */
async function settled(seeder: { bytesServed: number }): Promise<number> {
  let last = -1;
  for (let i = 0; i < 20 && seeder.bytesServed !== last; i++) {
    last = seeder.bytesServed;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return seeder.bytesServed;
}

interface Listed {
  infoHash: string;
  downloaded: number;
  paused: string | null;
}

test('a 200 MB torrent on a 50 MB store: bounded download, paused "disk full", 507 past what is stored, resumed when space is freed', { timeout: 240_000 }, async (t) => {
  const own = closesAfter(t);
  const mountPoint = mountTmpfs(own, STORE_BYTES);
  const filler = path.join(mountPoint, 'filler.bin');
  fs.writeFileSync(filler, Buffer.alloc(FILLER_BYTES, 1));

  const fx = await makeFixture({ name: 'big.mp4', files: [{ name: 'big.mp4', length: TORRENT_BYTES }], seed: 1721 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 20, addressBlock: 172, seederBlock: 173 }));
  const seeder = world.seeders[0]!;
  const peerSource = own(new PlainLookupPeerSource({ bootstrap: world.dht.bootstrap, bindAddress: HOST, relookupIntervalMs: 2_000 }), (p) => p.close());
  const svc = own(
    await startService({ bootstrap: world.dht.bootstrap, storeDir: mountPoint, host: HOST, peerSource, config: { bindAddress: HOST, diskPollMs: 250 } }),
    (s) => s.close({ keepStore: true }),
  );
  const base = svc.baseUrl;
  const listed = async (): Promise<Listed> => ((await (await fetch(`${base}/api/torrents`)).json()) as Listed[])[0]!;
  const pausedEvents = () => svc.events.filter((e) => e.event === 'paused');

  const added = await fetch(`${base}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
  assert.equal(added.status, 201);
  await until('the torrent pauses for a full disk', () => pausedEvents().length === 1, 120_000, 100);
  const paused = pausedEvents()[0]!;
  assert.ok(paused.event === 'paused');
  assert.equal(paused.reason, 'disk full');
  assert.equal(paused.infoHash, fx.infoHash);
  // What was on its way lands; then nothing more is asked.
  const servedAtPause = await settled(seeder);
  const first = await listed();
  assert.equal(first.paused, 'disk full', 'the API says why');
  assert.ok(servedAtPause <= STORE_BYTES * 1.1, `downloaded ${servedAtPause} bytes for a ${STORE_BYTES}-byte store`);
  assert.ok(first.downloaded > 10 * MiB, `${first.downloaded} bytes verified and kept`);
  assert.ok(first.downloaded >= servedAtPause * 0.9, `almost all that was downloaded was kept (${first.downloaded} of ${servedAtPause})`);

  // A read past what is stored: 507 with the code, at once. A read of what is stored: the bytes.
  const far = 150 * MiB;
  const refused = await fetch(`${base}/stream/${fx.infoHash}/0`, { headers: { range: `bytes=${far}-${far + 99_999}` } });
  assert.equal(refused.status, 507);
  const body = (await refused.json()) as { error: { code: string; message: string; hint: string } };
  assert.equal(body.error.code, 'E_DISK_FULL');
  assert.match(body.error.hint, /free space/);
  assert.equal(refused.headers.get('content-range'), null, 'no range headers on the error');
  const stored = await fetch(`${base}/stream/${fx.infoHash}/0`, { headers: { range: 'bytes=0-99999' } });
  assert.equal(stored.status, 206);
  assert.ok(Buffer.from(await stored.arrayBuffer()).equals(fx.content.subarray(0, 100_000)));
  await new Promise((r) => setTimeout(r, 1_000));
  assert.equal(seeder.bytesServed, servedAtPause, 'paused: nothing more was requested, not even for the refused read');

  // Space returns: the download resumes by itself, then pauses again when that is used too.
  fs.rmSync(filler);
  await until('the torrent resumes', () => svc.events.some((e) => e.event === 'resumed'), 30_000, 100);
  await until('it pauses again once the freed space is used', () => pausedEvents().length === 2, 120_000, 100);
  await settled(seeder);
  const second = await listed();
  assert.equal(second.paused, 'disk full');
  assert.ok(second.downloaded >= first.downloaded + FILLER_BYTES / 2, `the freed space was used: ${first.downloaded} -> ${second.downloaded}`);
  assert.ok(seeder.bytesServed <= STORE_BYTES * 1.1, `downloaded ${seeder.bytesServed} bytes in all for a ${STORE_BYTES}-byte store`);
  const errors = svc.events.filter((e) => e.event === 'error');
  assert.ok(errors.length <= 2, `a full disk is a state, not an error storm: ${errors.length} error events`);
  t.diagnostic(`downloaded ${seeder.bytesServed} bytes (${(seeder.bytesServed / MiB).toFixed(1)} MiB) on a ${STORE_BYTES / MiB} MiB store with a ${FILLER_BYTES / MiB} MiB filler deleted midway; kept ${second.downloaded} bytes; ${errors.length} error events`);
});

test('a disk filled by someone else between two samples: writes fail with ENOSPC, the good pieces wait in memory, nothing is requested again', { timeout: 240_000 }, async (t) => {
  const own = closesAfter(t);
  const storeBytes = 30 * MiB;
  const mountPoint = mountTmpfs(own, storeBytes);
  const filler = path.join(mountPoint, 'filler.bin');
  fs.writeFileSync(filler, Buffer.alloc(FILLER_BYTES, 1));
  const fx = await makeFixture({ name: 'big.mkv', files: [{ name: 'big.mkv', length: 100 * MiB }], seed: 1722 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 20, addressBlock: 174, seederBlock: 175 }));
  const seeder = world.seeders[0]!;
  const peerSource = own(new PlainLookupPeerSource({ bootstrap: world.dht.bootstrap, bindAddress: '127.174.200.1', relookupIntervalMs: 2_000 }), (p) => p.close());
  // The readings always show plenty of room (another program fills the disk between them), so
  // only the writes' ENOSPC can stop the download.
  const statfs = async () => ({ bavail: 1024 * 1024, bsize: 4096 });
  const svc = own(
    await startService({ bootstrap: world.dht.bootstrap, storeDir: mountPoint, host: '127.174.200.1', peerSource, service: { statfs }, config: { bindAddress: '127.174.200.1', diskPollMs: 250 } }),
    (s) => s.close({ keepStore: true }),
  );
  const listed = async (): Promise<Listed> => ((await (await fetch(`${svc.baseUrl}/api/torrents`)).json()) as Listed[])[0]!;
  const pausedEvents = () => svc.events.filter((e) => e.event === 'paused');
  const added = await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
  assert.equal(added.status, 201);
  await until('a write fails and the torrent pauses', () => pausedEvents().length === 1, 120_000, 100);
  const paused = pausedEvents()[0]!;
  assert.ok(paused.event === 'paused' && paused.reason === 'disk full');
  assert.match(paused.message, /ENOSPC/);
  const servedAtPause = await settled(seeder);
  assert.equal((await listed()).paused, 'disk full');
  assert.ok(servedAtPause <= storeBytes * 1.1, `downloaded ${servedAtPause} bytes for a ${storeBytes}-byte store`);
  await new Promise((r) => setTimeout(r, 2_000));
  assert.equal(seeder.bytesServed, servedAtPause, 'no piece is requested again because its write failed');

  fs.rmSync(filler);
  await until('the held pieces are written and the download resumes', () => svc.events.some((e) => e.event === 'resumed'), 30_000, 100);
  await until('it pauses again when the disk is full again', () => pausedEvents().length === 2, 120_000, 100);
  await settled(seeder);
  const end = await listed();
  const served = seeder.bytesServed;
  assert.ok(served <= storeBytes * 1.1, `downloaded ${served} bytes in all for a ${storeBytes}-byte store`);
  // What was downloaded is on disk or waiting in memory for room: never thrown away and fetched again.
  const session = svc.manager.session(fx.infoHash)!;
  assert.ok(served - end.downloaded <= 8 * MiB, `downloaded ${served}, kept ${end.downloaded}: the rest is held in memory, bounded by what was on its way`);
  assert.equal(session.hashFailures, 0);
  const errors = svc.events.filter((e) => e.event === 'error');
  assert.equal(errors.length, 0, 'a full disk is a state: no error events');
  t.diagnostic(`ENOSPC path: downloaded ${served} bytes (${(served / MiB).toFixed(1)} MiB) on a ${storeBytes / MiB} MiB store; kept ${end.downloaded}`);
});
