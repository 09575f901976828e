/**
 * Throughput through a real SOCKS5 proxy against the direct route, in one run on loopback: a
 * 48 MB torrent streamed by the service (in-process, the composition root) once directly and once
 * with --proxy through danted (Debian dante-server, started here with its own config), in
 * alternation, each from an empty store. The DHT lookup goes through UDP ASSOCIATE in the proxy
 * runs. Needs danted (npm run setup).
 *   npx tsx bench/proxy.ts [sizeMB] [rounds]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFixture } from '../test/sim/fixtures.js';
import { startWorld } from '../test/sim/world.js';
import { startService } from '../test/sim/service.js';
import { readStream } from './read-stream.js';
import { findExecutable } from '../test/sim/require-tool.js';

const SIZE_MB = Number(process.argv[2] ?? 48);
const ROUNDS = Number(process.argv[3] ?? 2);
const PROXY_HOST = '127.200.9.1';
const PROXY_PORT = 10_80 + 9000;

const danted = findExecutable('danted', [process.env['PATH'] ?? '', '/usr/sbin'].join(path.delimiter));
if (!danted) throw new Error('danted is not installed: apt-get install -y dante-server (or npm run setup)');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlpx-bench-'));
const conf = path.join(dir, 'danted.conf');
fs.writeFileSync(conf, `logoutput: stderr
internal: ${PROXY_HOST} port = ${PROXY_PORT}
external: ${PROXY_HOST}
clientmethod: none
socksmethod: none
user.privileged: root
user.unprivileged: nobody
client pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
socks pass { from: 0.0.0.0/0 to: 0.0.0.0/0 command: connect udpassociate udpreply }
`);
const dante = spawn(danted, ['-f', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
await new Promise((r) => setTimeout(r, 500));

const fx = await makeFixture({ name: 'bench-proxy.bin', files: [{ name: 'bench-proxy.bin', length: SIZE_MB * 1024 * 1024 }], pieceLength: 256 * 1024 });
const world = await startWorld({ fixtures: [fx], dhtSize: 40, addressBlock: 200, seederBlock: 201, seeders: 2 });

async function run(proxy: boolean): Promise<{ mbps: number; fromAddMs: number; exact: boolean }> {
  const svc = await startService({ bootstrap: world.dht.bootstrap, privateLookup: true, ...(proxy ? { config: { proxy: { scheme: 'socks5', host: PROXY_HOST, port: PROXY_PORT } } } : {}) });
  try {
    const t0 = performance.now();
    await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
    const r = await readStream(`${svc.baseUrl}/stream/${fx.infoHash}/0`, fx.content);
    return { mbps: r.bytes / 1e6 / ((r.end - r.first) / 1000), fromAddMs: r.end - t0, exact: r.exact && r.bytes === fx.content.length };
  } finally {
    await svc.close();
  }
}

const results: Record<'direct' | 'proxy', Array<{ mbps: number; fromAddMs: number; exact: boolean }>> = { direct: [], proxy: [] };
try {
  for (let i = 0; i < ROUNDS; i++) {
    for (const mode of ['direct', 'proxy'] as const) {
      const r = await run(mode === 'proxy');
      results[mode].push(r);
      console.log(`${mode.padEnd(6)} round ${i + 1}: ${r.mbps.toFixed(1)} MB/s stream read, ${(r.fromAddMs / 1000).toFixed(2)} s from add to last byte, ${r.exact ? 'byte-exact' : 'NOT EXACT'}`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const d = median(results.direct.map((r) => r.mbps));
  const p = median(results.proxy.map((r) => r.mbps));
  console.log(`${SIZE_MB} MB, median of ${ROUNDS}: direct ${d.toFixed(1)} MB/s, through dante ${p.toFixed(1)} MB/s = ${((p / d) * 100).toFixed(0)}% of direct`);
} finally {
  await world.close();
  dante.kill('SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
