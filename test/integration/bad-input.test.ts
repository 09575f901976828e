/** Hostile and broken input over HTTP: unknown torrents, bad ranges, bad sources, escaping names. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { makeFixture, type TorrentFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { renamedTorrent } from '../sim/renamed-torrent.js';
import { closesAfter } from '../sim/cleanup.js';

async function post(url: string, body: unknown): Promise<{ status: number; json: { error?: { code: string; message: string } } }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as { error?: { code: string; message: string } } };
}

/** The same bytes under a torrent whose file names try to climb out of the store. */
function withHostileNames(fx: TorrentFixture): TorrentFixture {
  return renamedTorrent(fx, { paths: [['..', '..', 'escaped-1.bin'], ['/', 'tmp', 'escaped-2.bin'], ['a\u0000b', 'CON']] });
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

test('HTTP: unknown torrent 404, unknown file 404, unsatisfiable Range 416, bad sources 400', async (t) => {
  const own = closesAfter(t);
  const fx = await makeFixture({ name: 'small.mp4', files: [{ name: 'small.mp4', length: 300_000 }], seed: 61 });
  const world = own(await startWorld({ fixtures: [fx] }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap }));
  const unknown = await fetch(`${svc.baseUrl}/stream/${'ab'.repeat(20)}/0`);
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'E_NOT_FOUND');
  assert.equal((await fetch(`${svc.baseUrl}/stream/not-a-hash/0`)).status, 404);

  assert.equal((await post(`${svc.baseUrl}/api/torrents`, { source: fx.magnet })).status, 201);
  assert.equal((await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/7`)).status, 404);
  const past = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0`, { headers: { range: `bytes=${fx.content.length}-` } });
  assert.equal(past.status, 416);
  assert.equal(past.headers.get('content-range'), `bytes */${fx.content.length}`);

  const badMagnet = await post(`${svc.baseUrl}/api/torrents`, { source: 'magnet:?xt=urn:btih:12345&dn=x' });
  assert.equal(badMagnet.status, 400);
  assert.equal(badMagnet.json.error?.code, 'E_BAD_SOURCE');
  const truncated = await post(`${svc.baseUrl}/api/torrents`, { torrent: fx.torrentFile.subarray(0, fx.torrentFile.length / 2).toString('base64') });
  assert.equal(truncated.status, 400);
  assert.equal(truncated.json.error?.code, 'E_BAD_TORRENT');
  const garbage = await post(`${svc.baseUrl}/api/torrents`, { torrent: crypto.randomBytes(2000).toString('base64') });
  assert.equal(garbage.status, 400);
  const notJson = await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"source":' });
  assert.equal(notJson.status, 400);
  assert.equal(svc.manager.sessions().length, 1, 'no bad source was added');
});

test('a torrent whose file names climb out of the store is written inside it', async (t) => {
  const own = closesAfter(t);
  const base = await makeFixture({
    name: 'Evil',
    files: [{ name: 'a.bin', length: 200_000 }, { name: 'b.bin', length: 150_000 }, { name: 'c.bin', length: 100_000 }],
    seed: 71,
    pieceLength: 32 * 1024,
  });
  const fx = withHostileNames(base);
  const world = own(await startWorld({ fixtures: [fx] }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap }));
  const outside = path.dirname(svc.storeDir);
  const before = new Set(fs.readdirSync(outside));
  assert.equal((await post(`${svc.baseUrl}/api/torrents`, { source: fx.magnet })).status, 201);
  for (let i = 0; i < fx.files.length; i++) {
    const body = Buffer.from(await (await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/${i}`)).arrayBuffer());
    assert.ok(body.equals(fx.files[i]!.bytes), `file ${i} byte-exact`);
  }
  const written = listFiles(svc.store.downloadsDir);
  assert.equal(written.length, 3);
  for (const p of written) assert.ok(p.startsWith(svc.store.downloadsDir + path.sep), `${p} is inside the downloads tree`);
  assert.ok(!fs.existsSync('/tmp/escaped-2.bin'));
  const after = fs.readdirSync(outside).filter((n) => !before.has(n) && n.includes('escaped'));
  assert.deepEqual(after, [], 'nothing written next to the store');
  const names = svc.manager.get(fx.infoHash, '')!.files.map((f) => f.name);
  for (const n of names) assert.ok(!n.split('/').includes('..') && !n.includes('\u0000'), n);
});
