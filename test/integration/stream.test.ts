/**
 * Streaming over HTTP from the loopback world: magnets with only an infohash, seeks before
 * anything was fetched, multi-file torrents, .torrent paths, two torrents at once, resume, and a
 * seeder dying mid-stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

async function addSource(baseUrl: string, source: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source }) });
  return { status: res.status, json: await res.json() };
}

test('a magnet with only an infohash streams byte-exact, and a late seek is served first', async (t) => {
  const own = closesAfter(t);
  const fx = await makeFixture({ name: 'movie.mp4', files: [{ name: 'movie.mp4', length: 8 * 1024 * 1024 + 12345 }], seed: 11 });
  const world = own(await startWorld({ fixtures: [fx] }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap }));
  const added = await addSource(svc.baseUrl, `magnet:?xt=urn:btih:${fx.infoHash}`);
  assert.equal(added.status, 201);
  const start = Math.floor(fx.content.length * 0.8);
  const tail = await get(`${svc.baseUrl}/stream/${fx.infoHash}/0`, { range: `bytes=${start}-` });
  assert.equal(tail.status, 206);
  assert.equal(tail.headers.get('content-range'), `bytes ${start}-${fx.content.length - 1}/${fx.content.length}`);
  assert.equal(tail.headers.get('content-type'), 'video/mp4');
  assert.ok(tail.body.equals(fx.content.subarray(start)), 'tail bytes match');
  const session = svc.manager.session(fx.infoHash)!;
  const firstPieces = session.piecesFromNetwork.slice(0, 3);
  const startPiece = Math.floor(start / fx.pieceLength);
  assert.ok(firstPieces.every((p) => p >= startPiece), `first pieces fetched ${firstPieces} are under the read head (>= ${startPiece})`);
  const whole = await get(`${svc.baseUrl}/stream/${fx.infoHash}/0`);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('accept-ranges'), 'bytes');
  assert.ok(whole.body.equals(fx.content), 'whole file matches');
  const head = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0`, { method: 'HEAD' });
  assert.equal(head.headers.get('content-length'), String(fx.content.length));
  assert.ok(svc.events.some((e) => e.event === 'metadata' && e.infoHash === fx.infoHash));
  assert.ok(svc.events.some((e) => e.event === 'peer' && e.state === 'connected'));
});

test('multi-file torrent from an uploaded .torrent, and two torrents at once', async (t) => {
  const own = closesAfter(t);
  const multi = await makeFixture({
    name: 'Show',
    files: [
      { name: 'Season 1/e01.mkv', length: 1_500_000 },
      { name: 'Season 1/e02.mkv', length: 2_100_000 },
      { name: 'notes.txt', length: 3000 },
    ],
    seed: 21,
    pieceLength: 64 * 1024,
  });
  const single = await makeFixture({ name: 'clip.webm', files: [{ name: 'clip.webm', length: 3_000_000 }], seed: 22 });
  const world = own(await startWorld({ fixtures: [multi, single], seeders: 2 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap }));
  // Over HTTP a .torrent comes as its bytes (server paths are a command-line feature).
  const upload = await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ torrent: multi.torrentFile.toString('base64') }) });
  assert.equal(upload.status, 201);
  assert.equal((await addSource(svc.baseUrl, single.magnet)).status, 201);
  const reads = await Promise.all([
    ...multi.files.map((_, i) => get(`${svc.baseUrl}/stream/${multi.infoHash}/${i}`)),
    get(`${svc.baseUrl}/stream/${single.infoHash}/0`),
  ]);
  multi.files.forEach((f, i) => assert.ok(reads[i]!.body.equals(f.bytes), `file ${f.path} matches`));
  assert.ok(reads[3]!.body.equals(single.content));
  const list = (await (await fetch(`${svc.baseUrl}/api/torrents`)).json()) as Array<{ infoHash: string; files: Array<{ name: string; url: string }> }>;
  const show = list.find((t) => t.infoHash === multi.infoHash)!;
  assert.deepEqual(show.files.map((f) => f.name).sort(), ['Show/Season 1/e01.mkv', 'Show/Season 1/e02.mkv', 'Show/notes.txt']);
  assert.ok(fs.existsSync(path.join(svc.store.downloadsDir, 'Show', 'Season 1', 'e02.mkv')), 'a folder per multi-file torrent');
  assert.ok(fs.existsSync(path.join(svc.store.metadataDir, `${multi.infoHash}.torrent`)), 'the .torrent is kept for resume');
});

test('a restart resumes: no verified piece is downloaded twice', async (t) => {
  const own = closesAfter(t);
  const fx = await makeFixture({ name: 'long.mp4', files: [{ name: 'long.mp4', length: 6_000_000 }], seed: 31, pieceLength: 64 * 1024 });
  const world = own(await startWorld({ fixtures: [fx], blockDelayMs: 30 }));
  const storeDir = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-resume-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  const first = own(await startService({ bootstrap: world.dht.bootstrap, storeDir }), (svc) => svc.close({ keepStore: true }));
  await addSource(first.baseUrl, fx.magnet);
  const part = await get(`${first.baseUrl}/stream/${fx.infoHash}/0`, { range: 'bytes=0-999999' });
  assert.ok(part.body.equals(fx.content.subarray(0, 1_000_000)));
  const firstRun = new Set(first.manager.session(fx.infoHash)!.piecesFromNetwork);
  await first.close({ keepStore: true });
  assert.ok(firstRun.size > 0 && firstRun.size < fx.pieces, `first run stopped part way (${firstRun.size}/${fx.pieces} pieces)`);

  const second = own(await startService({ bootstrap: world.dht.bootstrap, storeDir }), (svc) => svc.close({ keepStore: true }));
  await addSource(second.baseUrl, fx.magnet);
  const whole = await get(`${second.baseUrl}/stream/${fx.infoHash}/0`);
  assert.ok(whole.body.equals(fx.content));
  const secondRun = second.manager.session(fx.infoHash)!.piecesFromNetwork;
  const twice = secondRun.filter((p) => firstRun.has(p));
  assert.deepEqual(twice, [], 'pieces fetched in both runs');
  assert.ok(secondRun.length <= fx.pieces - firstRun.size);
});

test('a seeder killed mid-stream: the stream completes from the other', async (t) => {
  const own = closesAfter(t);
  const fx = await makeFixture({ name: 'film.mkv', files: [{ name: 'film.mkv', length: 5_000_000 }], seed: 41, pieceLength: 64 * 1024 });
  const world = own(await startWorld({ fixtures: [fx], seeders: 2, blockDelayMs: 15 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap }));
  await addSource(svc.baseUrl, fx.magnet);
  const res = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0`);
  const reader = res.body!.getReader();
  const chunks: Buffer[] = [];
  let received = 0;
  let killed = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    received += value.length;
    if (!killed && received > fx.content.length / 4) {
      killed = true;
      const busiest = world.seeders.reduce((a, b) => (a.bytesServed >= b.bytesServed ? a : b));
      assert.ok(busiest.bytesServed > 0);
      await busiest.close();
    }
  }
  assert.ok(killed);
  assert.ok(Buffer.concat(chunks).equals(fx.content), 'stream completed byte-exact after losing a seeder');
});
