/**
 * The download engine over distance and against misbehaving peers, end to end: seeders behind a
 * TCP delay proxy (RTT 0/50/100 ms, optional per-seeder rate cap), announced on a loopback DHT;
 * torrent-live (bench/wan-product.ts: the service as the CLI builds it, private lookup, freerider)
 * is read through its HTTP stream, byte-exact checked. The named alternative is libtorrent
 * (python3-libtorrent, `apt-get install python3-libtorrent`: test/sim/libtorrent-peer.py run with
 * /usr/bin/python3, sequential download, the same proxies given as peers) in the same run, when installed.
 * torrent-live's links are RC4 by default and libtorrent's plaintext: --encryption / --lt-kind align them.
 * The rows rtt0-lt-plain and rtt0-lt-rc4 take the bench's JavaScript seeder and proxy out of the
 * picture: one libtorrent seeder process is the source for both clients, plaintext against
 * plaintext, then RC4 against RC4 (whatever --encryption / --lt-kind say). It is TCP only, as the
 * proxies are: libtorrent's leecher would otherwise come over uTP, which on loopback runs at a
 * tenth of TCP's rate. Encryption enabled (its default), so it takes either.
 *   npm run bench:wan -- [--size MB] [--rss-size MB] [--only name,name] [--net N] [--encryption off] [--lt-kind required] [--baseline DIR]
 * Rates are bytes / (last byte - first byte); TTFB is from the service being up (lookup,
 * metadata and first piece included).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import createTorrent from 'create-torrent';
import DHT from 'bittorrent-dht';
import parseTorrent from 'parse-torrent';
import { makeFixture, pseudoRandomBytes, removeFixture, type TorrentFixture } from '../test/sim/fixtures.js';
import { startDhtNetwork, type DhtNetwork } from '../test/sim/dht-network.js';
import { startSeeder, type Seeder, type SeederBehaviour } from '../test/sim/seeder.js';
import { startDelayProxy, type DelayProxy } from '../test/sim/delay-proxy.js';
import { readStream } from './read-stream.js';
import { productNodeArgs } from './product-node-args.js';
import { requireLibtorrent, startLibtorrentPeer } from '../test/sim/libtorrent-peer.js';
import { cpuSeconds, cpuSplit } from './proc-stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({ options: { size: { type: 'string', default: '48' }, 'rss-size': { type: 'string', default: '2048' }, only: { type: 'string' }, net: { type: 'string' }, encryption: { type: 'string' }, 'lt-kind': { type: 'string', default: 'plaintext' }, baseline: { type: 'string' } } });
const SIZE_MB = Number(opt.size);
const RSS_SIZE_MB = Number(opt['rss-size']);
const ONLY = opt.only ? new Set(opt.only.split(',')) : null;
const MB = 1e6;
// --net N moves every simulated host into 127.N.0.0–127.(N+4).255.255 (seeders, proxies, the
// product, libtorrent, the DHT), so runs sharing a machine stay on their own addresses.
const NET = opt.net ? Number(opt.net) : null;
if (NET !== null && !(Number.isInteger(NET) && NET >= 1 && NET <= 250)) throw new Error('--net takes 1..250');
const SEEDER_NET = NET ?? 40;
const PROXY_NET = NET === null ? 41 : NET + 1;
const PRODUCT_HOST = `127.${NET === null ? 42 : NET + 2}.0.1`;
const LIBTORRENT_HOST = `127.${NET === null ? 43 : NET + 3}.0.1`;
const DHT_NET = NET === null ? 49 : NET + 4;
// Like with like: --encryption off runs torrent-live in plaintext as libtorrent's default leecher
// is; --lt-kind required makes libtorrent RC4 as torrent-live's default links are.
const TL_ENCRYPTION = opt.encryption ? ['--encryption', opt.encryption] : [];
const LT_KIND = opt['lt-kind'] as 'plaintext' | 'required';
if (LT_KIND !== 'plaintext' && LT_KIND !== 'required') throw new Error('--lt-kind takes plaintext or required');
// --baseline DIR: another checkout's compiled CLI (npm run build there) in every world too, right
// after this one's, so a change is compared with what it replaces under the same load.
const BASELINE = opt.baseline ? path.resolve(opt.baseline) : null;
if (BASELINE && !fs.existsSync(path.join(BASELINE, 'build/main.js'))) throw new Error(`--baseline ${BASELINE}: no build/main.js (npm run build there)`);

interface PeerSpec {
  behaviour?: SeederBehaviour;
  rttMs: number;
  capBytesPerSec?: number;
}

interface WanWorld {
  dht: DhtNetwork;
  peers: Array<{ host: string; port: number; kind: 'honest' | 'silent' | 'corrupt' }>;
  close(): Promise<void>;
}

async function announce(host: string, port: number, infoHash: string, bootstrap: string[]): Promise<DHT> {
  const node = new DHT({ bootstrap, host: false });
  node.on('error', () => {});
  node.on('warning', () => {});
  await new Promise<void>((resolve) => node.listen(0, host, () => resolve()));
  await new Promise<void>((resolve) => (node.ready ? resolve() : node.once('ready', () => resolve())));
  await new Promise<void>((resolve) => node.announce(infoHash, port, () => resolve()));
  return node;
}

let worldCount = 0;

/** Each world on fresh addresses (a spy registry remembers hosts across worlds). */
async function startWanWorld(fx: TorrentFixture, specs: PeerSpec[]): Promise<WanWorld> {
  const w = ++worldCount;
  // A fresh DHT per world: stale announces of the last world's peers would cost a re-walk.
  const dht = await startDhtNetwork({ size: 40, addressBlock: DHT_NET });
  const seeders: Seeder[] = [];
  const proxies: DelayProxy[] = [];
  const nodes: DHT[] = [];
  const peers: WanWorld['peers'] = [];
  for (const [i, spec] of specs.entries()) {
    const seeder = await startSeeder({ host: `127.${SEEDER_NET}.${w}.${i + 1}`, fixtures: [fx], ...(spec.behaviour ? { behaviour: spec.behaviour } : {}) });
    seeders.push(seeder);
    const proxy = await startDelayProxy({ host: `127.${PROXY_NET}.${w}.${i + 1}`, target: seeder, oneWayMs: spec.rttMs / 2, ...(spec.capBytesPerSec ? { downRateBytesPerSec: spec.capBytesPerSec } : {}) });
    proxies.push(proxy);
    nodes.push(await announce(proxy.host, proxy.port, fx.infoHash, dht.bootstrap));
    peers.push({ host: proxy.host, port: proxy.port, kind: spec.behaviour?.silent ? 'silent' : spec.behaviour?.corrupt ? 'corrupt' : 'honest' });
  }
  return {
    dht,
    peers,
    close: async () => {
      await Promise.all(nodes.map((n) => new Promise<void>((r) => n.destroy(() => r()))));
      await Promise.all(proxies.map((p) => p.close()));
      await Promise.all(seeders.map((s) => s.close()));
      await dht.close();
    },
  };
}

function peakRssMb(pid: number): number {
  try {
    const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

interface ProductRun {
  /** The product's CPU seconds (user + system, all its threads) while the stream was read. */
  cpuS: number;
  /** Of which in the kernel (sockets, page cache). */
  systemS: number;
  ttfbMs: number;
  rateMBs: number;
  seconds: number;
  exact: boolean;
  peakRssMb: number;
  badDataDrops: string[];
  viewer?: ViewerFigures;
}

interface ViewerFigures {
  startMs: number;
  seekStartMs: number;
  rebufferPct: number;
}

/** Starts the product, waits for its HTTP service, hands `use` the stream URL. */
async function withProduct<T extends object>(fx: TorrentFixture, dht: DhtNetwork, use: (url: string, t0: number) => Promise<T>, root = ROOT, encryption = TL_ENCRYPTION): Promise<T & { peakRssMb: number; badDataDrops: string[]; cpuS: number; systemS: number }> {
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-wan-'));
  const prof = process.env['WAN_CPU_PROF'] ? ['--cpu-prof', '--cpu-prof-dir', process.env['WAN_CPU_PROF']] : [];
  if (process.env['WAN_NODE_FLAGS']) prof.push(...process.env['WAN_NODE_FLAGS'].split(' '));
  // The shipped product (the compiled CLI, as `torrent-live <magnet>` runs) unless WAN_PRODUCT=source
  // asks for the service from the sources under tsx (whose compiler costs ~60 MB of RSS).
  const args =
    root !== ROOT || (process.env['WAN_PRODUCT'] !== 'source' && fs.existsSync(path.join(ROOT, 'build/main.js')))
      ? [path.join(root, 'bin/torrent-live.js'), fx.magnet, '--store', store, '--json', '--port', '0', '--host', PRODUCT_HOST, '--bind', PRODUCT_HOST, '--interface', '127.0.0.1', '--dht-bootstrap', dht.bootstrap.join(','), ...encryption]
      : ['--import', 'tsx', path.join(ROOT, 'bench/wan-product.ts'), store, PRODUCT_HOST, dht.bootstrap.join(','), fx.magnet];
  // The installed command's shebang options (OpenSSL's legacy provider for RC4, the heap's shape).
  const child = spawn(process.execPath, [...productNodeArgs(root), ...prof, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env } });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const badDataDrops: string[] = [];
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', () => reject(new Error('torrent-live exited early')));
      // WAN_PRODUCT_LOG=file keeps every line the product prints (--trace-gc through WAN_NODE_FLAGS, say).
      const log = process.env['WAN_PRODUCT_LOG'];
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        if (log) fs.appendFileSync(log, `${line}\n`);
        try {
          const e = JSON.parse(line) as { event: string; url?: string; state?: string; reason?: string; ip?: string };
          if (process.env['WAN_DEBUG']) process.stderr.write(`    [torrent-live] ${line}\n`);
          if (e.event === 'ready' && e.url) resolve(`${e.url}/stream/${fx.infoHash}/0`);
          if (e.event === 'peer' && e.state === 'dropped' && e.reason === 'bad-data' && e.ip) badDataDrops.push(e.ip);
        } catch {}
      });
    });
    const cpuBefore = cpuSeconds(child.pid!);
    const systemBefore = cpuSplit(child.pid!).system;
    const benchBefore = process.cpuUsage();
    const t0 = performance.now();
    const result = await use(url, t0);
    // The seeders, proxies and the reader share this process: when it is the one at a full core,
    // the figure is the bench's limit, not the product's.
    const bench = process.cpuUsage(benchBefore);
    const cpuS = cpuSeconds(child.pid!) - cpuBefore;
    const systemS = cpuSplit(child.pid!).system - systemBefore;
    if (process.env['WAN_DEBUG']) process.stderr.write(`    [torrent-live] CPU ${fmt(cpuS, 2)} s during the read; the bench process (seeders, proxies, reader) ${fmt((bench.user + bench.system) / 1e6, 2)} s in ${fmt((performance.now() - t0) / 1000, 2)} s\n`);
    return { ...result, peakRssMb: peakRssMb(child.pid!), badDataDrops, cpuS, systemS };
  } finally {
    child.kill('SIGINT');
    await exited;
    fs.rmSync(store, { recursive: true, force: true });
  }
}

async function readAll(url: string, t0: number, fx: TorrentFixture): Promise<{ ttfbMs: number; rateMBs: number; seconds: number; exact: boolean }> {
  const r = await readStream(url, fx.content);
  return { ttfbMs: r.first - t0, rateMBs: r.bytes / MB / ((r.end - r.first) / 1000), seconds: (r.end - t0) / 1000, exact: r.exact };
}

/**
 * A player at `bitrate` bytes/s: starts once `startBytes` are buffered, plays `playSeconds`,
 * seeks to 70% of the file, plays `playSeconds` more. Stall time counts while playing with an
 * empty buffer.
 */
async function viewer(url: string, length: number, bitrate: number, playSeconds: number, startBytes: number): Promise<ViewerFigures> {
  const session = async (offset: number): Promise<{ startMs: number; stallMs: number; playedMs: number }> => {
    const abort = new AbortController();
    const tReq = performance.now();
    const res = await fetch(url, { headers: { range: `bytes=${offset}-` }, signal: abort.signal });
    const reader = res.body!.getReader();
    let received = 0;
    let startedAt = 0;
    let played = 0;
    let stallMs = 0;
    let last = 0;
    const advance = (now: number) => {
      if (!startedAt) {
        if (received >= startBytes) (startedAt = now), (last = now);
        return;
      }
      const want = ((now - last) / 1000) * bitrate;
      const can = received - played;
      if (want <= can) played += want;
      else {
        played = received;
        stallMs += ((want - can) / bitrate) * 1000;
      }
      last = now;
    };
    const ticker = setInterval(() => advance(performance.now()), 20);
    try {
      // One read outstanding at a time: a read that loses the race is awaited next round, not lost.
      const read = () => {
        const p = reader.read();
        p.catch(() => {});
        return p;
      };
      let pending = read();
      while (!startedAt || played < playSeconds * bitrate) {
        const next = await Promise.race([pending, new Promise<null>((r) => setTimeout(() => r(null), 20))]);
        if (next) {
          if (next.done) break;
          received += next.value.length;
          pending = read();
        }
        advance(performance.now());
      }
    } finally {
      clearInterval(ticker);
      abort.abort();
      await reader.cancel().catch(() => {});
    }
    return { startMs: startedAt - tReq, stallMs, playedMs: (played / bitrate) * 1000 };
  };
  const a = await session(0);
  const b = await session(Math.floor(length * 0.7));
  return { startMs: a.startMs, seekStartMs: b.startMs, rebufferPct: (100 * (a.stallMs + b.stallMs)) / (a.playedMs + b.playedMs + a.stallMs + b.stallMs) };
}

interface LibtorrentRun {
  rateMBs: number;
  seconds: number;
  peakRssMb: number;
}

function libtorrentInstalled(): boolean {
  try {
    requireLibtorrent();
    return true;
  } catch {
    return false;
  }
}

const LIBTORRENT_DEADLINE_S = 120;

/**
 * libtorrent (test/sim/libtorrent-peer.py, the test world's peer, in leech mode) downloading from
 * the same proxies, given directly (no DHT), plaintext as the loopback seeders speak, sequential.
 */
async function runLibtorrent(fx: TorrentFixture, world: Pick<WanWorld, 'peers'>, kind: 'plaintext' | 'required' = LT_KIND): Promise<LibtorrentRun | null> {
  if (!HAVE_LIBTORRENT) return null;
  const leecher = await startLibtorrentPeer({ kind, host: LIBTORRENT_HOST, leech: { fixture: fx, sequential: true, deadlineS: LIBTORRENT_DEADLINE_S }, peers: world.peers.map((p) => `${p.host}:${p.port}`) });
  try {
    // libtorrent may never finish a world (it stalled once on the poisoned one): it gets a
    // deadline and then counts as "did not finish" rather than holding the whole run.
    const r = await leecher.finished();
    return { rateMBs: r.bytes / MB / (r.doneS - (r.firstPieceS ?? 0)), seconds: r.doneS, peakRssMb: r.peakRssKb / 1024 };
  } catch (err) {
    process.stderr.write(`  libtorrent did not finish: ${(err as Error).message.slice(0, 300)}\n`);
    return null;
  } finally {
    await leecher.close();
  }
}

const HAVE_LIBTORRENT = libtorrentInstalled();

type Throughput = Awaited<ReturnType<typeof throughput>>;
/** Bytes streamed per second of the product's CPU: on a shared machine, steadier than the rate. */
const perCpuS = (fx: TorrentFixture, run: { cpuS: number }) => fx.content.length / MB / run.cpuS;
/** The baseline build's figures for a hostile world and its honest twin, when --baseline ran. */
function vsBaseline(hostile: Throughput, honest: Throughput): string {
  if (!hostile.base || !honest.base) return '';
  return ` (baseline ${fmt(hostile.base.seconds)} s vs ${fmt(honest.base.seconds)} s, ${fmt(hostile.base.seconds / honest.base.seconds, 2)}x, honest dropped ${hostile.base.badDataDrops.length})`;
}
const wanted = (name: string) => !ONLY || ONLY.has(name);
const fmt = (n: number | undefined, d = 1) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(d));

async function throughput(name: string, fx: TorrentFixture, specs: PeerSpec[]): Promise<{ tl: ProductRun; base: ProductRun | null; lt: LibtorrentRun | null }> {
  const world = await startWanWorld(fx, specs);
  try {
    const tl = await withProduct(fx, world.dht, (url, t0) => readAll(url, t0, fx));
    const base = BASELINE ? await withProduct(fx, world.dht, (url, t0) => readAll(url, t0, fx), BASELINE) : null;
    if (base) process.stderr.write(`  ${name}: baseline ${fmt(base.rateMBs)} MB/s (${fmt(base.seconds)} s, exact ${base.exact}, peak RSS ${fmt(base.peakRssMb, 0)} MB, ${fmt(perCpuS(fx, base), 0)} MB per CPU second)\n`);
    const lt = await runLibtorrent(fx, world);
    const kinds = new Map(world.peers.map((p) => [p.host, p.kind]));
    const honestDropped = tl.badDataDrops.filter((ip) => kinds.get(ip) === 'honest');
    process.stderr.write(`  ${name}: torrent-live ${fmt(tl.rateMBs)} MB/s (${fmt(tl.seconds)} s, TTFB ${fmt(tl.ttfbMs, 0)} ms, exact ${tl.exact}, bad-data drops ${tl.badDataDrops.length}, honest dropped ${honestDropped.length}, peak RSS ${fmt(tl.peakRssMb, 0)} MB, ${fmt(perCpuS(fx, tl), 0)} MB per CPU second); libtorrent ${fmt(lt?.rateMBs)} MB/s\n`);
    return { tl: { ...tl, badDataDrops: honestDropped }, base: base ? { ...base, badDataDrops: base.badDataDrops.filter((ip) => kinds.get(ip) === 'honest') } : null, lt };
  } finally {
    await world.close();
  }
}

/**
 * RTT 0 from a libtorrent seeder process (announced on the loopback DHT for torrent-live, given
 * directly to the libtorrent leecher): neither client waits on the bench's JavaScript seeder and
 * proxy, which share the bench's one process with the HTTP reader.
 */
async function libtorrentSourced(name: string, fx: TorrentFixture, tlEncryption: string[], ltKind: 'plaintext' | 'required'): Promise<{ tl: ProductRun; base: ProductRun | null; lt: LibtorrentRun | null; seederCpuS: number[] }> {
  const w = ++worldCount;
  const dht = await startDhtNetwork({ size: 40, addressBlock: DHT_NET });
  const seeder = await startLibtorrentPeer({ kind: 'tcp-only', host: `127.${SEEDER_NET}.${w}.1`, seed: [fx], benchSeeder: true });
  let node: DHT | null = null;
  try {
    node = await announce(seeder.host, seeder.port, fx.infoHash, dht.bootstrap);
    const seederCpuS: number[] = [];
    const timed = async <T>(run: () => Promise<T>): Promise<T> => {
      const before = cpuSeconds(seeder.pid);
      try {
        return await run();
      } finally {
        seederCpuS.push(cpuSeconds(seeder.pid) - before);
      }
    };
    const tl = await timed(() => withProduct(fx, dht, (url, t0) => readAll(url, t0, fx), ROOT, tlEncryption));
    const base = BASELINE ? await timed(() => withProduct(fx, dht, (url, t0) => readAll(url, t0, fx), BASELINE, tlEncryption)) : null;
    const lt = await timed(() => runLibtorrent(fx, { peers: [{ host: seeder.host, port: seeder.port, kind: 'honest' }] }, ltKind));
    // How each client came (the seeder's view): uTP or TCP, RC4 or plaintext.
    const came = (await seeder.peers()).filter((p) => p.handshake).map((p) => `${p.ip} ${p.utp ? 'uTP' : 'TCP'}${p.rc4 ? '+RC4' : ''}`);
    process.stderr.write(`  ${name}: clients as the seeder saw them: ${came.join(', ')}\n`);
    process.stderr.write(
      `  ${name}: torrent-live ${fmt(tl.rateMBs)} MB/s (TTFB ${fmt(tl.ttfbMs, 0)} ms, exact ${tl.exact}, peak RSS ${fmt(tl.peakRssMb, 0)} MB, ${fmt(perCpuS(fx, tl), 0)} MB per CPU second, ${fmt((100 * tl.systemS) / tl.cpuS, 0)} % of it system)` +
        `${base ? `; baseline ${fmt(base.rateMBs)} MB/s (${fmt(perCpuS(fx, base), 0)} MB per CPU second, ${fmt((100 * base.systemS) / base.cpuS, 0)} % system)` : ''}; libtorrent ${fmt(lt?.rateMBs)} MB/s; seeder CPU ${seederCpuS.map((c) => fmt(c, 2)).join(' / ')} s\n`,
    );
    return { tl, base, lt, seederCpuS };
  } finally {
    if (node) await new Promise<void>((r) => node!.destroy(() => r()));
    await seeder.close();
    await dht.close();
  }
}

/** A file too large to hold twice: generated once, served from memory, torrent made from disk. */
async function largeFixture(sizeMb: number): Promise<TorrentFixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-wan-large-'));
  const name = 'large.mkv';
  const content = pseudoRandomBytes(sizeMb * 1024 * 1024, 4242);
  const fd = fs.openSync(path.join(dir, name), 'w');
  for (let at = 0; at < content.length; at += 256 * 1024 * 1024) fs.writeSync(fd, content, at, Math.min(256 * 1024 * 1024, content.length - at), at);
  fs.closeSync(fd);
  const torrentFile = await new Promise<Buffer>((resolve, reject) =>
    createTorrent(path.join(dir, name), { pieceLength: 1024 * 1024, announceList: [], createdBy: 'torrent-live bench', creationDate: 1 }, (err, t) => (err ? reject(err) : resolve(Buffer.from(t)))),
  );
  const parsed = await parseTorrent(torrentFile);
  const torrentPath = path.join(dir, `${parsed.infoHash}.torrent`);
  fs.writeFileSync(torrentPath, torrentFile);
  return { dir, name, torrentFile, torrentPath, infoHash: parsed.infoHash, magnet: `magnet:?xt=urn:btih:${parsed.infoHash}`, pieceLength: parsed.pieceLength!, pieces: parsed.pieces!.length, content, files: [{ path: name, length: content.length, offset: 0, bytes: content }] };
}

const fx = await makeFixture({ name: 'wan.mkv', files: [{ name: 'wan.mkv', length: SIZE_MB * 1024 * 1024 }], seed: 4711, pieceLength: 256 * 1024 });
const rows: string[] = [];
const extra: string[] = [];
const cap = 2 * 1024 * 1024;
try {
  const table: Array<[string, string, PeerSpec[], string]> = [
    ['rtt0', '1 seeder, RTT 0', [{ rttMs: 0 }], 'CPU'],
    ['rtt50', '1 seeder, RTT 50 ms', [{ rttMs: 50 }], 'CPU'],
    ['rtt100', '1 seeder, RTT 100 ms', [{ rttMs: 100 }], 'CPU'],
    ['capped', '4 seeders capped at 2 MiB/s each, RTT 100 ms', Array.from({ length: 4 }, () => ({ rttMs: 100, capBytesPerSec: cap })), `${fmt((4 * cap) / MB)} MB/s`],
  ];
  for (const [key, label, specs, limit] of table) {
    if (!wanted(key)) continue;
    const { tl, base, lt } = await throughput(label, fx, specs);
    rows.push(`| ${label} | ${fmt(tl.rateMBs)} MB/s, ${fmt(perCpuS(fx, tl), 0)} MB/CPU-s${base ? ` (baseline ${fmt(base.rateMBs)} MB/s, ${fmt(perCpuS(fx, base), 0)} MB/CPU-s)` : ''} | ${lt ? `${fmt(lt.rateMBs)} MB/s` : 'not installed'} | ${lt ? fmt(tl.rateMBs / lt.rateMBs, 2) : 'n/a'} | ${limit} | ${fmt(tl.ttfbMs, 0)} ms | ${tl.exact ? 'yes' : 'NO'} |`);
  }

  const ltRows: Array<[string, string, string[], 'plaintext' | 'required']> = [
    ['rtt0-lt-plain', '1 libtorrent seeder, RTT 0, plaintext vs plaintext', ['--encryption', 'off'], 'plaintext'],
    ['rtt0-lt-rc4', '1 libtorrent seeder, RTT 0, RC4 vs RC4', ['--encryption', 'require'], 'required'],
  ];
  for (const [key, label, tlEncryption, ltKind] of ltRows) {
    if (!wanted(key) || !HAVE_LIBTORRENT) continue;
    const { tl, base, lt } = await libtorrentSourced(label, fx, tlEncryption, ltKind);
    rows.push(`| ${label} | ${fmt(tl.rateMBs)} MB/s, ${fmt(perCpuS(fx, tl), 0)} MB/CPU-s${base ? ` (baseline ${fmt(base.rateMBs)} MB/s, ${fmt(perCpuS(fx, base), 0)} MB/CPU-s)` : ''} | ${lt ? `${fmt(lt.rateMBs)} MB/s` : 'did not finish'} | ${lt ? fmt(tl.rateMBs / lt.rateMBs, 2) : 'n/a'} | CPU | ${fmt(tl.ttfbMs, 0)} ms | ${tl.exact ? 'yes' : 'NO'} |`);
  }

  const honest2: PeerSpec[] = [{ rttMs: 50, capBytesPerSec: 3 * cap / 2 }, { rttMs: 50, capBytesPerSec: 3 * cap / 2 }];
  if (wanted('silent')) {
    const base = await throughput('2 honest, RTT 50 ms, 3 MiB/s each', fx, honest2);
    const hostile = await throughput('2 honest + 1 never delivering', fx, [...honest2, { rttMs: 50, behaviour: { silent: true, fast: true } }]);
    extra.push(`| a third never delivers (2 honest at 3 MiB/s + 1 silent, RTT 50 ms) | ${fmt(hostile.tl.seconds)} s vs ${fmt(base.tl.seconds)} s without: ${fmt(hostile.tl.seconds / base.tl.seconds, 2)}x, exact ${hostile.tl.exact}${vsBaseline(hostile, base)} | ${hostile.lt && base.lt ? `${fmt(hostile.lt.seconds)} s vs ${fmt(base.lt.seconds)} s: ${fmt(hostile.lt.seconds / base.lt.seconds, 2)}x` : 'n/a'} |`);
  }
  if (wanted('corrupt')) {
    const honest = honest2.map((p) => ({ ...p, rttMs: 20 }));
    const base = await throughput('2 honest, RTT 20 ms', fx, honest);
    const hostile = await throughput('2 honest + 2 corrupt', fx, [honest[0]!, { rttMs: 20, capBytesPerSec: 3 * cap / 2, behaviour: { corrupt: true } }, honest[1]!, { rttMs: 20, capBytesPerSec: 3 * cap / 2, behaviour: { corrupt: true, fast: true } }]);
    extra.push(`| half the peers corrupt (2 honest + 2 poisoning at 3 MiB/s, RTT 20 ms) | ${fmt(hostile.tl.seconds)} s vs ${fmt(base.tl.seconds)} s without: ${fmt(hostile.tl.seconds / base.tl.seconds, 2)}x, exact ${hostile.tl.exact}, honest peers dropped ${hostile.tl.badDataDrops.length}${vsBaseline(hostile, base)} | ${hostile.lt && base.lt ? `${fmt(hostile.lt.seconds)} s vs ${fmt(base.lt.seconds)} s: ${fmt(hostile.lt.seconds / base.lt.seconds, 2)}x` : 'n/a'} |`);
  }
  if (wanted('viewer')) {
    // The issue's viewer, and a harder one: the seeder's uplink only twice the bitrate, so the
    // seek lands where nothing was fetched yet.
    for (const capBytesPerSec of [undefined, 2 * 1024 * 1024]) {
      const world = await startWanWorld(fx, [{ rttMs: 100, ...(capBytesPerSec ? { capBytesPerSec } : {}) }]);
      try {
        const v = await withProduct(fx, world.dht, async (url) => {
          // The metadata arrives first (the route waits for it); a HEAD does that before the clock starts.
          await fetch(url, { method: 'HEAD' });
          return viewer(url, fx.content.length, 1 * MB, 10, 1 * MB);
        });
        const label = `viewer at 1 MB/s, 1 seeder RTT 100 ms${capBytesPerSec ? ' capped at 2 MiB/s' : ''}, seek to 70% after 10 s`;
        process.stderr.write(`  ${label}: start ${fmt(v.startMs, 0)} ms, seek start ${fmt(v.seekStartMs, 0)} ms, rebuffering ${fmt(v.rebufferPct, 2)} %\n`);
        extra.push(`| ${label} | start ${fmt(v.startMs, 0)} ms, after the seek ${fmt(v.seekStartMs, 0)} ms, rebuffering ${fmt(v.rebufferPct, 2)} % | n/a (no HTTP stream) |`);
      } finally {
        await world.close();
      }
    }
  }
  if (wanted('rss') && RSS_SIZE_MB > 0) {
    const large = await largeFixture(RSS_SIZE_MB);
    try {
      const world = await startWanWorld(large, [{ rttMs: 0 }]);
      try {
        const tl = await withProduct(large, world.dht, (url, t0) => readAll(url, t0, large));
        const lt = await runLibtorrent(large, world);
        process.stderr.write(`  large: torrent-live peak RSS ${fmt(tl.peakRssMb, 0)} MB at ${fmt(tl.rateMBs)} MB/s exact ${tl.exact}; libtorrent ${fmt(lt?.peakRssMb, 0)} MB\n`);
        extra.push(`| peak RSS streaming a ${RSS_SIZE_MB} MiB file (1 seeder, RTT 0) | ${fmt(tl.peakRssMb, 0)} MB (${fmt(tl.rateMBs)} MB/s, exact ${tl.exact}) | ${lt ? `${fmt(lt.peakRssMb, 0)} MB (${fmt(lt.rateMBs)} MB/s)` : 'n/a'} |`);
      } finally {
        await world.close();
      }
    } finally {
      removeFixture(large);
    }
  }
} finally {
  removeFixture(fx);
}

console.log(`\nbench:wan — load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; one ${SIZE_MB} MiB file, seeders behind a TCP delay proxy, ${os.cpus().length} cores; torrent-live read over HTTP, libtorrent ${HAVE_LIBTORRENT ? 'python3-libtorrent' : 'not installed'} (sequential); torrent-live links ${opt.encryption ?? 'prefer (RC4)'}, libtorrent ${LT_KIND}\n`);
console.log('| world | torrent-live | libtorrent | ratio | limit | torrent-live TTFB | byte-exact |');
console.log('|---|---|---|---|---|---|---|');
rows.forEach((r) => console.log(r));
if (extra.length) {
  console.log('\n| case | torrent-live | libtorrent |');
  console.log('|---|---|---|');
  extra.forEach((r) => console.log(r));
}
