/**
 * torrent-live against real libtorrent 2.0 seeders (python3-libtorrent), with libtorrent itself as
 * the named alternative in the same run: for each seeder kind (plaintext, enabled, required RC4,
 * uTP only, TCP only), first byte and full time of the product (the compiled CLI, private lookup,
 * freerider, read over its HTTP stream, byte-exact checked) against a libtorrent leecher in the
 * same world; a world of all five kinds capped at 1 MB/s each (does every kind upload to us?);
 * and first byte beside unusable peers (60 dead: half refused, half silent through nftables;
 * 2 of 3 seeders silent), over several runs. Root, nftables and python3-libtorrent needed.
 *   npm run bench:interop -- [--size MB] [--runs N] [--only kinds,mixed,dead] [--kinds utp-only,...]
 * Times are from the process start (lookup, metadata and MSE included).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { makeFixture, removeFixture, type TorrentFixture } from '../test/sim/fixtures.js';
import { startDhtNetwork, type DhtNetwork } from '../test/sim/dht-network.js';
import { holdersOf } from '../test/sim/dht-announce.js';
import { LIBTORRENT_KINDS, startLibtorrentPeer, type LibtorrentKind, type LibtorrentPeer } from '../test/sim/libtorrent-peer.js';
import { startHostilePeers } from '../test/sim/unreachable-peers.js';
import { readStream } from './read-stream.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({ options: { size: { type: 'string', default: '48' }, runs: { type: 'string', default: '10' }, only: { type: 'string' }, kinds: { type: 'string' } } });
const KINDS = opt.kinds ? LIBTORRENT_KINDS.filter((k) => opt.kinds!.split(',').includes(k)) : LIBTORRENT_KINDS;
const SIZE = Math.round(Number(opt.size) * 1e6);
const RUNS = Number(opt.runs);
const ONLY = opt.only ? new Set(opt.only.split(',')) : null;
const PRODUCT_HOST = '127.166.0.1';
let leecherCount = 0;
let fixtureSeed = 700;

const fmt = (n: number | null, digits = 2) => (n === null ? '—' : n.toFixed(digits));

interface ProductRun {
  firstByteS: number;
  doneS: number;
  exact: boolean;
  connected: Array<{ ip: string; transport?: string; encryption?: string }>;
}

/** The compiled CLI streaming the fixture; `stopAfterFirstByte` ends the read at its first chunk. */
async function runProduct(fx: TorrentFixture, dht: DhtNetwork, opts: { stopAfterFirstByte?: boolean; timeoutS?: number } = {}): Promise<ProductRun> {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-interop-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--openssl-legacy-provider', path.join(ROOT, 'bin/torrent-live.js'), fx.magnet, '--store', store, '--json', '--port', '0', '--host', PRODUCT_HOST, '--bind', PRODUCT_HOST, '--interface', '127.0.0.1', '--dht-bootstrap', dht.bootstrap.join(',')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const connected: ProductRun['connected'] = [];
  const timeout = setTimeout(() => child.kill('SIGKILL'), (opts.timeoutS ?? 120) * 1000);
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', () => reject(new Error('torrent-live exited early')));
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        if (process.env['INTEROP_DEBUG']) process.stderr.write(`    [torrent-live] ${line.slice(0, 300)}\n`);
        try {
          const e = JSON.parse(line) as { event: string; url?: string; state?: string; ip?: string; transport?: string; encryption?: string };
          if (e.event === 'ready' && e.url) resolve(`${e.url}/stream/${fx.infoHash}/0`);
          if (e.event === 'peer' && e.state === 'connected' && e.ip) connected.push({ ip: e.ip, ...(e.transport ? { transport: e.transport } : {}), ...(e.encryption ? { encryption: e.encryption } : {}) });
        } catch {}
      });
    });
    const read = await readStream(url, fx.content, opts.stopAfterFirstByte ? { stopAfterFirstByte: true } : {});
    return { firstByteS: (read.first - t0) / 1000, doneS: (read.end - t0) / 1000, exact: read.exact, connected };
  } finally {
    clearTimeout(timeout);
    child.kill('SIGINT');
    await exited;
    fs.rmSync(store, { recursive: true, force: true });
  }
}

async function runLibtorrent(fx: TorrentFixture, dht: DhtNetwork): Promise<{ firstByteS: number | null; doneS: number | null }> {
  const leecher = await startLibtorrentPeer({ kind: 'enabled', host: `127.166.1.${++leecherCount}`, leech: { fixture: fx, deadlineS: 120 }, bootstrap: dht.bootstrap });
  try {
    const f = await leecher.finished();
    return { firstByteS: f.firstPieceS, doneS: f.doneS };
  } catch {
    return { firstByteS: null, doneS: null };
  } finally {
    await leecher.close();
  }
}

async function announced(seeder: LibtorrentPeer, fx: TorrentFixture, dht: DhtNetwork): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await holdersOf(dht, fx.infoHash, { host: seeder.host, port: seeder.port })).length < 5 && Date.now() < deadline) {
    await seeder.announce();
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function fixture(name: string, size = SIZE): Promise<TorrentFixture> {
  return makeFixture({ name: `${name}.bin`, files: [{ name: `${name}.bin`, length: size }], seed: fixtureSeed++, pieceLength: 256 * 1024 });
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

async function kinds(dht: DhtNetwork): Promise<void> {
  console.log(`\n## One libtorrent seeder of each kind, ${(SIZE / 1e6).toFixed(0)} MB, loopback (seconds from start)\n`);
  console.log('| seeder kind | torrent-live first byte | full | how we came | libtorrent first piece | full | time vs libtorrent |');
  console.log('|---|---|---|---|---|---|---|');
  const times = new Map<LibtorrentKind, number>();
  for (const kind of KINDS) {
    const i = LIBTORRENT_KINDS.indexOf(kind);
    const fx = await fixture(`interop-${kind}`);
    const seeder = await startLibtorrentPeer({ kind, host: `127.164.0.${i + 1}`, seed: [fx], bootstrap: dht.bootstrap });
    try {
      await announced(seeder, fx, dht);
      const tl = await runProduct(fx, dht);
      const lt = await runLibtorrent(fx, dht);
      const flags = (await seeder.peersFrom(PRODUCT_HOST)).map((p) => `${p.utp ? 'uTP' : 'TCP'}${p.rc4 ? '+RC4' : ''}`);
      times.set(kind, tl.doneS);
      console.log(`| ${kind} | ${fmt(tl.firstByteS)} | ${fmt(tl.doneS)}${tl.exact ? '' : ' (NOT byte-exact)'} | ${[...new Set(flags)].join(', ') || '—'} | ${fmt(lt.firstByteS)} | ${fmt(lt.doneS)} | ${lt.doneS ? `${fmt(tl.doneS / lt.doneS)}x` : '—'} |`);
    } finally {
      await seeder.close();
      removeFixture(fx);
    }
  }
  const plain = times.get('plaintext');
  const required = times.get('required');
  if (plain && required) console.log(`\nRC4 required vs plaintext seeder, our full time: ${fmt(required / plain)}x`);
}

async function mixed(dht: DhtNetwork): Promise<void> {
  const size = 8_000_000;
  console.log(`\n## All five kinds, each capped at 1 MB/s, ${size / 1e6} MB\n`);
  const fx = await fixture('interop-mixed', size);
  const seeders = await Promise.all(LIBTORRENT_KINDS.map((kind, i) => startLibtorrentPeer({ kind, host: `127.164.1.${i + 1}`, seed: [fx], bootstrap: dht.bootstrap, uploadRateLimit: 1_000_000 })));
  try {
    await Promise.all(seeders.map((s) => announced(s, fx, dht)));
    const tl = await runProduct(fx, dht);
    const lt = await runLibtorrent(fx, dht);
    console.log(`torrent-live: first byte ${fmt(tl.firstByteS)} s, full ${fmt(tl.doneS)} s${tl.exact ? '' : ' (NOT byte-exact)'}; libtorrent: first piece ${fmt(lt.firstByteS)} s, full ${fmt(lt.doneS)} s\n`);
    console.log('| seeder kind | bytes it uploaded to torrent-live | how |');
    console.log('|---|---|---|');
    for (const s of seeders) {
      const from = await s.peersFrom(PRODUCT_HOST);
      const up = from.reduce((a, p) => a + p.uploaded, 0);
      console.log(`| ${s.kind} | ${up} | ${[...new Set(from.map((p) => `${p.utp ? 'uTP' : 'TCP'}${p.rc4 ? '+RC4' : ''}`))].join(', ') || '—'} |`);
    }
  } finally {
    await Promise.all(seeders.map((s) => s.close()));
    removeFixture(fx);
  }
}

async function dead(dht: DhtNetwork): Promise<void> {
  console.log(`\n## First byte beside unusable peers, ${RUNS} runs each (seconds from start)\n`);
  console.log('| world | min | median | max | runs within target | libtorrent first piece (1 run) |');
  console.log('|---|---|---|---|---|---|');
  const size = 4_000_000;
  {
    const fx = await fixture('interop-dead60', size);
    const seeder = await startLibtorrentPeer({ kind: 'enabled', host: '127.164.2.1', seed: [fx], bootstrap: dht.bootstrap });
    const hostile = await startHostilePeers({ torrent: fx, kinds: { refused: 30, silent: 30 }, subnet: 120, dht });
    try {
      await announced(seeder, fx, dht);
      const firsts: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const run = await runProduct(fx, dht);
        if (!run.exact) throw new Error('not byte-exact');
        firsts.push(run.doneS);
      }
      const lt = await runLibtorrent(fx, dht);
      console.log(`| one seeder + 30 refused + 30 silent: whole 4 MB stream (target 3 s) | ${fmt(Math.min(...firsts))} | ${fmt(percentile(firsts, 0.5))} | ${fmt(Math.max(...firsts))} | ${firsts.filter((f) => f <= 3).length}/${RUNS} | ${fmt(lt.doneS)} (full) |`);
    } finally {
      await hostile.close();
      await seeder.close();
      removeFixture(fx);
    }
  }
  {
    const fx = await fixture('interop-2of3', size);
    const seeders = await Promise.all([0, 1, 2].map((i) => startLibtorrentPeer({ kind: 'enabled', host: `127.164.3.${i + 1}`, seed: [fx], bootstrap: dht.bootstrap })));
    try {
      await Promise.all(seeders.map((s) => announced(s, fx, dht)));
      // Two of them vanish after announcing, as a closed laptop does (their port now refuses).
      await seeders[0]!.close();
      await seeders[1]!.close();
      const firsts: number[] = [];
      for (let r = 0; r < RUNS; r++) firsts.push((await runProduct(fx, dht, { stopAfterFirstByte: true })).firstByteS);
      const lt = await runLibtorrent(fx, dht);
      console.log(`| 2 of 3 seeders gone (refused): first byte (target 1.5 s) | ${fmt(Math.min(...firsts))} | ${fmt(percentile(firsts, 0.5))} | ${fmt(Math.max(...firsts))} | ${firsts.filter((f) => f <= 1.5).length}/${RUNS} | ${fmt(lt.firstByteS)} |`);
    } finally {
      await Promise.all(seeders.map((s) => s.close()));
      removeFixture(fx);
    }
  }
}

const dht = await startDhtNetwork({ size: 60, addressBlock: 167, spreadSubnets: true });
try {
  if (!fs.existsSync(path.join(ROOT, 'build/main.js'))) throw new Error('build/main.js is missing: run `npm run build` first');
  if (!ONLY || ONLY.has('kinds')) await kinds(dht);
  if (!ONLY || ONLY.has('mixed')) await mixed(dht);
  if (!ONLY || ONLY.has('dead')) await dead(dht);
} finally {
  await dht.close();
}
