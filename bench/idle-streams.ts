/**
 * 3,000 /stream requests that never read, from 200 loopback addresses, against the compiled
 * `torrent-live serve` (its own process, as users run it): its RSS before, during (peak) and
 * after (5 s and 60 s after every connection closed), how many were served or refused, and how
 * long GET /api/torrents takes meanwhile. The named alternative is a plain node:http server piping
 * fs.createReadStream of the same file to every request (no caps), under the same load.
 *   npm run build && npx tsx bench/idle-streams.ts [connections] [holdSeconds] [afterSeconds]
 * TORRENT_LIVE_BIN=<path to another build's bin/torrent-live.js> measures another version.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { makeFixture } from '../test/sim/fixtures.js';
import { startWorld } from '../test/sim/world.js';
import { ROOT } from '../test/sim/cli-process.js';

const CONNECTIONS = Number(process.argv[2] ?? 3_000);
const HOLD_S = Number(process.argv[3] ?? 20);
const AFTER_S = Number(process.argv[4] ?? 60);
const CLIENT_ADDRESSES = 200;
const SERVICE_HOST = '127.176.100.1';
const MB = 1024 * 1024;

interface Figures {
  name: string;
  baselineMb: number;
  peakMb: number;
  after5Mb: number;
  afterMb: number;
  served: number;
  refused: number;
  failed: number;
  apiMedianMs: number | undefined;
  apiMaxMs: number | undefined;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolve(m[0]);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code} before ${pattern}: ${out.slice(-500)}`)));
  });
}

/** Opens a GET and stops reading once the status line is in; resolves with the status. */
function idleGet(host: string, port: number, urlPath: string, from: string, sockets: net.Socket[]): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, localAddress: from });
    sockets.push(socket);
    let head = '';
    socket.on('error', () => resolve(-1));
    socket.on('connect', () => socket.write(`GET ${urlPath} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`));
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(head);
      if (!m) return;
      socket.off('data', onData);
      socket.pause();
      resolve(Number(m[1]));
    };
    socket.on('data', onData);
  });
}

async function load(name: string, pid: number, host: string, port: number, urlPath: string, apiPath: string | undefined): Promise<Figures> {
  const baselineMb = rssMb(pid);
  let peakMb = baselineMb;
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, rssMb(pid))), 100);
  const sockets: net.Socket[] = [];
  const statuses: number[] = [];
  for (let i = 0; i < CONNECTIONS; i += 100) {
    const batch = [];
    for (let j = i; j < Math.min(CONNECTIONS, i + 100); j++) batch.push(idleGet(host, port, urlPath, `127.176.${1 + (j % CLIENT_ADDRESSES)}.1`, sockets));
    statuses.push(...(await Promise.all(batch)));
  }
  const apiTimes: number[] = [];
  const holdUntil = Date.now() + HOLD_S * 1000;
  while (Date.now() < holdUntil) {
    if (apiPath) {
      const t = performance.now();
      await (await fetch(`http://${host}:${port}${apiPath}`)).arrayBuffer();
      apiTimes.push(performance.now() - t);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  clearInterval(sampler);
  peakMb = Math.max(peakMb, rssMb(pid));
  for (const s of sockets) s.destroy();
  await new Promise((r) => setTimeout(r, 5_000));
  const after5Mb = rssMb(pid);
  await new Promise((r) => setTimeout(r, (AFTER_S - 5) * 1000));
  const afterMb = rssMb(pid);
  apiTimes.sort((a, b) => a - b);
  return {
    name,
    baselineMb,
    peakMb,
    after5Mb,
    afterMb,
    served: statuses.filter((s) => s >= 200 && s < 300).length,
    refused: statuses.filter((s) => s === 503).length,
    failed: statuses.filter((s) => s < 0 || (s >= 300 && s !== 503)).length,
    apiMedianMs: apiTimes.length ? apiTimes[Math.floor(apiTimes.length / 2)] : undefined,
    apiMaxMs: apiTimes.length ? apiTimes[apiTimes.length - 1] : undefined,
  };
}

async function main(): Promise<void> {
  const fx = await makeFixture({ name: 'idle.mp4', files: [{ name: 'idle.mp4', length: 64 * MB }], seed: 1761, pieceLength: 1 * MB });
  const world = await startWorld({ fixtures: [fx], dhtSize: 20, addressBlock: 174, seederBlock: 175 });
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-idle-'));
  const rows: Figures[] = [];
  const children: ChildProcess[] = [];
  try {
    const bin = process.env['TORRENT_LIVE_BIN'] ?? path.join(ROOT, 'bin/torrent-live.js');
    const service = spawn(process.execPath, [bin, 'serve', '--json', '--store', store, '--host', SERVICE_HOST, '--port', '0', '--dht-bootstrap', world.dht.bootstrap.join(','), '--bind', SERVICE_HOST, '--interface', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(service);
    const ready = JSON.parse(await waitForLine(service, /\{"event":"ready"[^\n]*\}/)) as { url: string };
    const port = Number(new URL(ready.url).port);
    const added = await fetch(`${ready.url}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
    if (added.status !== 201) throw new Error(`add: ${added.status}`);
    await waitForLine(service, /\{"event":"done"[^\n]*\}/);
    await new Promise((r) => setTimeout(r, 3_000));
    rows.push(await load('torrent-live serve', service.pid!, SERVICE_HOST, port, `/stream/${fx.infoHash}/0`, '/api/torrents'));

    // The alternative: a plain file server with no caps, same file, same load.
    const file = path.join(store, 'downloads', 'idle.mp4');
    const script = `const http=require('http'),fs=require('fs');const s=http.createServer((q,r)=>{r.writeHead(200,{'content-type':'video/mp4'});fs.createReadStream(${JSON.stringify(file)}).pipe(r)});s.listen(0,${JSON.stringify(SERVICE_HOST)},()=>console.log('port '+s.address().port))`;
    const plain = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(plain);
    const plainPort = Number((await waitForLine(plain, /port \d+/)).split(' ')[1]);
    await new Promise((r) => setTimeout(r, 1_000));
    rows.push(await load('node:http + fs.createReadStream (no caps)', plain.pid!, SERVICE_HOST, plainPort, '/idle.mp4', undefined));
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await world.close();
    fs.rmSync(store, { recursive: true, force: true });
  }
  console.log(`${CONNECTIONS} idle GETs from ${CLIENT_ADDRESSES} addresses, held ${HOLD_S} s; RSS of the server process`);
  console.log('| server | baseline | peak during | 5 s after | ' + `${AFTER_S} s after | served | refused (503) | failed | GET /api/torrents meanwhile (median / max) |`);
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const api = r.apiMedianMs === undefined ? '—' : `${r.apiMedianMs.toFixed(1)} / ${r.apiMaxMs!.toFixed(1)} ms`;
    console.log(`| ${r.name} | ${r.baselineMb.toFixed(0)} MB | ${r.peakMb.toFixed(0)} MB | ${r.after5Mb.toFixed(0)} MB | ${r.afterMb.toFixed(0)} MB | ${r.served} | ${r.refused} | ${r.failed} | ${api} |`);
  }
  process.exit(0);
}

void main();
