/**
 * Streaming figures on the loopback world: time to first byte, MB/s for a full read and for a far
 * seek (a Range in the last quarter before anything was fetched), for torrent-live's HTTP route
 * and, as the named alternative, a plain static file server (node:http + fs.createReadStream)
 * serving the same bytes from disk: the ceiling a torrent stream can approach.
 *   npx tsx bench/stream.ts [sizeMB]
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeFixture } from '../test/sim/fixtures.js';
import { startWorld } from '../test/sim/world.js';
import { startService } from '../test/sim/service.js';
import { planByteServe } from '../src/server/range.js';

const SIZE_MB = Number(process.argv[2] ?? 32);

interface Figure { ttfbMs: number; totalMs: number; bytes: number }

async function timedGet(url: string, range?: string): Promise<Figure> {
  const t0 = performance.now();
  const res = await fetch(url, range ? { headers: { range } } : {});
  const reader = res.body!.getReader();
  let ttfb = 0;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!ttfb) ttfb = performance.now() - t0;
    bytes += value.length;
  }
  return { ttfbMs: ttfb, totalMs: performance.now() - t0, bytes };
}

function staticServer(file: string, length: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const plan = planByteServe({ method: req.method ?? 'GET', rangeHeader: req.headers.range, length, contentType: 'video/mp4' });
    res.writeHead(plan.status, plan.headers);
    if (!plan.range || plan.bodless) return res.end();
    fs.createReadStream(file, plan.range).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const mbps = (f: Figure) => (f.bytes / 1e6 / (f.totalMs / 1000)).toFixed(1);

async function torrentRun(range: string | undefined, world: Awaited<ReturnType<typeof startWorld>>, fx: Awaited<ReturnType<typeof makeFixture>>): Promise<Figure> {
  const svc = await startService({ bootstrap: world.dht.bootstrap });
  try {
    const t0 = performance.now();
    await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
    const f = await timedGet(`${svc.baseUrl}/stream/${fx.infoHash}/0`, range);
    // From "add magnet" to first byte: DHT lookup, metadata, first pieces.
    const fromAdd = { ...f, ttfbMs: f.ttfbMs + (performance.now() - t0 - f.totalMs) };
    return fromAdd;
  } finally {
    await svc.close();
  }
}

const fx = await makeFixture({ name: 'bench.mp4', files: [{ name: 'bench.mp4', length: SIZE_MB * 1024 * 1024 }], seed: 99, pieceLength: 256 * 1024 });
const world = await startWorld({ fixtures: [fx], seeders: 2, dhtSize: 150, keepFixtures: true });
const seekRange = `bytes=${Math.floor(fx.content.length * 0.8)}-`;
const rows: Array<[string, Figure, Figure]> = [];
try {
  const server = await staticServer(fx.files[0]!.path.startsWith('/') ? fx.files[0]!.path : `${fx.dir}/${fx.files[0]!.path}`, fx.content.length);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  rows.push(['full read', await torrentRun(undefined, world, fx), await timedGet(base)]);
  rows.push(['far seek (last 20%)', await torrentRun(seekRange, world, fx), await timedGet(base, seekRange)]);
  server.close();
} finally {
  await world.close();
  fs.rmSync(fx.dir, { recursive: true, force: true });
}

console.log(`stream bench: ${SIZE_MB} MiB file, loopback DHT of 150 nodes, 2 seeders`);
console.log('case                  | torrent-live TTFB (from add) | torrent-live MB/s | static server TTFB | static MB/s | ratio MB/s');
for (const [name, t, s] of rows) {
  console.log(`${name.padEnd(21)} | ${t.ttfbMs.toFixed(0).padStart(25)} ms | ${mbps(t).padStart(17)} | ${s.ttfbMs.toFixed(1).padStart(15)} ms | ${mbps(s).padStart(11)} | ${(Number(mbps(t)) / Number(mbps(s))).toFixed(2)}`);
}
