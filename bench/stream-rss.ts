/**
 * Memory of the product streaming a large file at full speed: the compiled CLI (`torrent-live
 * <magnet>`, its own process) reads one file from a loopback seeder (RTT 0, found on a loopback
 * DHT) over its HTTP stream, byte-exact checked, while its RSS is sampled from /proc every 250 ms.
 * Prints peak RSS, RSS before the stream, and RSS per GiB streamed and per minute (flat = no
 * growth after the first minute). The torrent is periodic (67 distinct 1 MiB pieces, repeated),
 * so the seeder and the checker hold 67 MiB whatever the size: 10 GiB streams without 10 GiB of RAM.
 * With --baseline DIR (another checkout, built), that build streams the same torrent right after.
 *   npm run bench:rss [-- --gib 2] [--baseline DIR] [--net N]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import bencode from 'bencode';
import { pseudoRandomBytes, type TorrentFixture } from '../test/sim/fixtures.js';
import { startDhtNetwork } from '../test/sim/dht-network.js';
import { startSeeder } from '../test/sim/seeder.js';
import { productNodeArgs } from './product-node-args.js';
import { cpuSeconds, statusKb } from './proc-stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({ options: { gib: { type: 'string', default: '2' }, baseline: { type: 'string' }, net: { type: 'string', default: '215' } } });
const GIB = Number(opt.gib);
const NET = Number(opt.net);
const BASELINE = opt.baseline ? path.resolve(opt.baseline) : null;
const PIECE = 1024 * 1024;
const DISTINCT = 67;
const MB = 1e6;
const SAMPLE_MS = 250;

/** A torrent of `pieces` 1 MiB pieces where piece i holds distinct piece i mod DISTINCT. */
function periodicFixture(pieces: number): TorrentFixture {
  const pattern = pseudoRandomBytes(DISTINCT * PIECE, 20);
  const hashes = Array.from({ length: DISTINCT }, (_, i) => crypto.createHash('sha1').update(pattern.subarray(i * PIECE, (i + 1) * PIECE)).digest());
  const name = 'periodic.mkv';
  const length = pieces * PIECE;
  const info = { length, name: Buffer.from(name), 'piece length': PIECE, pieces: Buffer.concat(Array.from({ length: pieces }, (_, i) => hashes[i % DISTINCT]!)) };
  const torrentFile = Buffer.from(bencode.encode({ info }));
  const infoHash = crypto.createHash('sha1').update(bencode.encode(info)).digest('hex');
  const bytesAt = (start: number, n: number) => {
    const at = start % pattern.length;
    // Blocks never cross a piece, so never the pattern's end.
    return pattern.subarray(at, at + n);
  };
  return { dir: '', name, torrentFile, torrentPath: '', infoHash, magnet: `magnet:?xt=urn:btih:${infoHash}`, pieceLength: PIECE, pieces, content: pattern, bytesAt, files: [{ path: name, length, offset: 0, bytes: pattern }] };
}

interface Sample {
  s: number;
  bytes: number;
  rssMb: number;
}

interface RssRun {
  /** The product's CPU seconds (all threads) while the stream was read. */
  cpuS: number;
  idleMb: number;
  peakMb: number;
  rateMBs: number;
  exact: boolean;
  samples: Sample[];
}

async function streamOnce(root: string, fx: TorrentFixture, bootstrap: string[], host: string): Promise<RssRun> {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-rss-'));
  const args = [path.join(root, 'bin/torrent-live.js'), fx.magnet, '--store', store, '--json', '--port', '0', '--host', host, '--bind', host, '--interface', '127.0.0.1', '--dht-bootstrap', bootstrap.join(',')];
  // RSS_NODE_FLAGS: node options for the product (a preload that logs process.memoryUsage(), a heap limit).
  const flags = process.env['RSS_NODE_FLAGS']?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...productNodeArgs(root), ...flags, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', () => reject(new Error('torrent-live exited early')));
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        try {
          const e = JSON.parse(line) as { event: string; url?: string; state?: string };
          if (e.event === 'ready' && e.url) resolve(`${e.url}/stream/${fx.infoHash}/0`);
          // A dropped peer, a warning or an error would explain a stall: always worth a line.
          if ((e.event === 'peer' && e.state !== 'connected') || e.event === 'warning' || e.event === 'error') process.stderr.write(`  [torrent-live] ${line.slice(0, 400)}\n`);
        } catch {}
      });
    });
    const pid = child.pid!;
    const idleMb = statusKb(pid, 'VmRSS') / 1024;
    const cpuBefore = cpuSeconds(pid);
    const samples: Sample[] = [];
    let bytes = 0;
    const t0 = performance.now();
    const timer = setInterval(() => samples.push({ s: (performance.now() - t0) / 1000, bytes, rssMb: statusKb(pid, 'VmRSS') / 1024 }), SAMPLE_MS);
    const pattern = fx.content;
    const r = await new Promise<{ exact: boolean; first: number; end: number }>((resolve, reject) => {
      http
        .get(url, (res) => {
          if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
          let exact = true;
          let first = 0;
          res.on('data', (chunk: Buffer) => {
            if (!first) first = performance.now();
            // Chunks may cross the pattern's end: compared in at most two parts.
            for (let done = 0; exact && done < chunk.length; ) {
              const at = (bytes + done) % pattern.length;
              const n = Math.min(chunk.length - done, pattern.length - at);
              if (!chunk.subarray(done, done + n).equals(pattern.subarray(at, at + n))) exact = false;
              done += n;
            }
            bytes += chunk.length;
          });
          res.on('end', () => resolve({ exact: exact && bytes === fx.pieces * PIECE, first, end: performance.now() }));
          res.on('error', reject);
        })
        .on('error', reject);
    });
    clearInterval(timer);
    return { cpuS: cpuSeconds(pid) - cpuBefore, idleMb, peakMb: statusKb(pid, 'VmHWM') / 1024, rateMBs: bytes / MB / ((r.end - r.first) / 1000), exact: r.exact, samples };
  } finally {
    child.kill('SIGINT');
    await exited;
    fs.rmSync(store, { recursive: true, force: true });
  }
}

/** The highest RSS sampled in each step of `key` (GiB streamed, or minutes). */
function maxBy(samples: Sample[], key: (s: Sample) => number): Map<number, number> {
  const out = new Map<number, number>();
  for (const s of samples) {
    const k = key(s);
    if (Number.isFinite(s.rssMb)) out.set(k, Math.max(out.get(k) ?? 0, s.rssMb));
  }
  return out;
}

function report(label: string, run: RssRun): void {
  const perGib = maxBy(run.samples, (s) => Math.floor(s.bytes / 2 ** 30));
  const perMin = maxBy(run.samples, (s) => Math.floor(s.s / 60));
  const afterFirstMinute = run.samples.filter((s) => s.s >= 60).map((s) => s.rssMb);
  const atMinute = run.samples.find((s) => s.s >= 60)?.rssMb;
  const growth = atMinute !== undefined && afterFirstMinute.length ? `${(Math.max(...afterFirstMinute) - atMinute).toFixed(1)} MB above the RSS at 1 min` : 'under a minute';
  console.log(`\n${label}: peak RSS ${run.peakMb.toFixed(0)} MB (${run.idleMb.toFixed(0)} MB before the stream), ${run.rateMBs.toFixed(1)} MB/s, ${(run.samples.at(-1)?.bytes ?? 0) > 0 ? ((fx.pieces * PIECE) / MB / run.cpuS).toFixed(0) : 'n/a'} MB per CPU second, byte-exact ${run.exact}; after the first minute: ${growth}`);
  console.log(`  highest RSS per GiB streamed: ${[...perGib].map(([g, mb]) => `${g + 1}: ${mb.toFixed(0)}`).join(', ')} MB`);
  console.log(`  highest RSS per minute: ${[...perMin].map(([m, mb]) => `${m + 1}: ${mb.toFixed(0)}`).join(', ')} MB`);
}

const fx = periodicFixture(Math.round(GIB * 1024));
const dht = await startDhtNetwork({ size: 20, addressBlock: NET + 4 });
const seeder = await startSeeder({ host: `127.${NET}.9.1`, fixtures: [fx], bootstrap: dht.bootstrap });
try {
  console.log(`bench:rss — ${GIB} GiB (${fx.pieces} pieces of 1 MiB), 1 loopback seeder at RTT 0, ${os.cpus().length} cores; RSS sampled every ${SAMPLE_MS} ms`);
  report('torrent-live (this checkout)', await streamOnce(ROOT, fx, dht.bootstrap, `127.${NET + 2}.9.1`));
  if (BASELINE) report(`baseline (${BASELINE})`, await streamOnce(BASELINE, fx, dht.bootstrap, `127.${NET + 2}.9.2`));
} finally {
  await seeder.close();
  await dht.close();
}
