/**
 * 30 s of junk UDP at the DHT port of the compiled torrent-live (its own process, --json): how
 * many datagrams went out, how many warning lines it printed per kind in each 10 s, and the CPU it
 * spent. The named alternative is a bittorrent-dht node (webtorrent's DHT) taking the same flood:
 * how many 'warning' events it emits.
 *   npm run build && npx tsx bench/warning-flood.ts [seconds]
 * TORRENT_LIVE_BIN=<path to another build's bin/torrent-live.js> measures another version.
 */
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import DHT from 'bittorrent-dht';
import { ROOT } from '../test/sim/cli-process.js';
import { cpuSeconds } from './proc-stats.js';

const SECONDS = Number(process.argv[2] ?? 30);
const TARGET = '127.173.0.1';
const FLOODER = '127.173.0.2';
const JUNK = [Buffer.from('not bencode at all'), Buffer.from('d1:y1:r1:t2:zzi42e'), Buffer.from('li1ei2ee'), Buffer.from('d1:q4:ping1:y1:qe')];

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, TARGET, r));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function flood(port: number, seconds: number): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, FLOODER, r));
  let sent = 0;
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    for (let i = 0; i < 100; i++) socket.send(JUNK[sent++ % JUNK.length]!, port, TARGET);
    await new Promise((r) => setImmediate(r));
  }
  await new Promise<void>((r) => socket.close(() => r()));
  return sent;
}

async function torrentLive(): Promise<void> {
  const port = await freeUdpPort();
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-flood-'));
  const bin = process.env['TORRENT_LIVE_BIN'] ?? path.join(ROOT, 'bin/torrent-live.js');
  const child = spawn(process.execPath, [bin, 'c9e15763f722f23e98a29decdfae341b98d53056', '--json', '--store', store, '--host', TARGET, '--port', '0', '--bind', TARGET, '--dht-port', String(port), '--dht-bootstrap', '127.173.0.9:9', '--interface', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const lines: Array<{ at: number; kind: string; suppressed: number }> = [];
  let start = 0;
  let buffered = '';
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.includes('"event":"warning"')) continue;
      const e = JSON.parse(line) as { message: string; kind?: string; suppressed?: number };
      const kind = e.kind ?? (/malformed KRPC/.test(e.message) ? 'krpc-malformed' : (e.message.split(':')[0] ?? 'other'));
      lines.push({ at: Date.now() - start, kind, suppressed: e.suppressed ?? 1 });
    }
  });
  await new Promise((r) => setTimeout(r, 3_000));
  const cpuBefore = cpuSeconds(child.pid!);
  start = Date.now();
  lines.length = 0;
  const sent = await flood(port, SECONDS);
  const cpu = cpuSeconds(child.pid!) - cpuBefore;
  await new Promise((r) => setTimeout(r, 11_000)); // the last summary
  child.kill('SIGKILL');
  fs.rmSync(store, { recursive: true, force: true });
  const kinds = [...new Set(lines.map((l) => l.kind))];
  console.log(`torrent-live: ${sent} junk datagrams in ${SECONDS} s; ${cpu.toFixed(1)} s of CPU during the flood (${((100 * cpu) / SECONDS).toFixed(0)} % of a core)`);
  console.log('| kind | lines printed | warnings counted | most lines in one 10 s window |');
  console.log('|---|---|---|---|');
  for (const kind of kinds) {
    const mine = lines.filter((l) => l.kind === kind);
    const perWindow = new Map<number, number>();
    for (const l of mine) perWindow.set(Math.floor(l.at / 10_000), (perWindow.get(Math.floor(l.at / 10_000)) ?? 0) + 1);
    console.log(`| ${kind} | ${mine.length} | ${mine.reduce((n, l) => n + l.suppressed, 0)} | ${Math.max(...perWindow.values())} |`);
  }
}

async function alternative(): Promise<void> {
  const dht = new DHT({ bootstrap: false, host: false });
  let warnings = 0;
  dht.on('warning', () => warnings++);
  dht.on('error', () => undefined);
  await new Promise<void>((r) => dht.listen(0, TARGET, () => r()));
  const { port } = dht.address();
  const sent = await flood(port, SECONDS);
  await new Promise((r) => setTimeout(r, 500));
  await new Promise<void>((r) => dht.destroy(() => r()));
  console.log(`bittorrent-dht (alternative): ${sent} junk datagrams in ${SECONDS} s; ${warnings} 'warning' events`);
}

await torrentLive();
await alternative();
process.exit(0);
