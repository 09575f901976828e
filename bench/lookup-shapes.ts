/**
 * First byte of the private lookup against a plain DHT client, in worlds of different shapes: a
 * lookup that is fast only in the world it was tuned on is not fast. Each shape varies one thing
 * the real DHT varies (docs/PRIVACY.md, "Where the lookup waits"):
 * - honest nodes each in their own /24, or packed 250 to a /24;
 * - seeders announced to few (2), the usual (8) or many (20) of the nodes closest to the infohash;
 * - 0, 10 or 20 % of the 40 nodes closest to the infohash silent;
 * - spies (decoy spies, sybils, one IP on many ports, quiet watchers) or none.
 * Per run a fresh world; both lookups measured in it, alternating which goes first, each in its own
 * process (bench/lookup-client.ts, bundled and run as plain node like the compiled command) for
 * three torrents: the first after process start (cold, timed from process start), a second one in
 * the same process (timed from its POST), and a third in a new process on the same store (a
 * restart, from process start). Seeders run in processes of their own, apart from the DHT's
 * thousand nodes. Prints the median of each and the private/plain ratio.
 *
 *   npm run bench:lookup-shapes            # every shape, 5 runs each, RTT 0
 *   RTT_MS=50 RUNS=3 SHAPES=spread,silent20 npm run bench:lookup-shapes
 *   LOOKUP_TRACE=1 RUNS=1 SHAPES=spread npm run bench:lookup-shapes 2>trace.txt
 * The last writes, per client process, a line per KRPC query of the private lookup (T: sent at,
 * round trip, infohash prefix, node, values), per peer handed to the engine (H), per service
 * event (E) and per POST: where a lookup waits, in milliseconds from process start.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { makeFixture, type TorrentFixture } from '../test/sim/fixtures.js';
import { startWorld } from '../test/sim/world.js';
import { startSpies } from '../test/sim/spies.js';
import { silenceClosest } from '../test/sim/silent-nodes.js';
import { startSeederProcess } from '../test/sim/seeder-process.js';
import { median, type LookupKind } from './lookup-measure.js';

interface Shape {
  label: string;
  spread: boolean;
  announce: number;
  silent: number;
  spies: boolean;
}
const ALL_SHAPES: Record<string, Shape> = {
  spread: { label: 'own /24 each, 8 announces, spies', spread: true, announce: 8, silent: 0, spies: true },
  packed: { label: '250 nodes a /24, 8 announces, spies', spread: false, announce: 8, silent: 0, spies: true },
  few: { label: 'own /24 each, 2 announces, spies', spread: true, announce: 2, silent: 0, spies: true },
  many: { label: 'own /24 each, 20 announces, spies', spread: true, announce: 20, silent: 0, spies: true },
  silent10: { label: '10% of the closest silent, spies', spread: true, announce: 8, silent: 0.1, spies: true },
  silent20: { label: '20% of the closest silent, spies', spread: true, announce: 8, silent: 0.2, spies: true },
  nospies: { label: 'own /24 each, 8 announces, no spies', spread: true, announce: 8, silent: 0, spies: false },
  harsh: { label: '250 a /24, 2 announces, 20% silent, spies', spread: false, announce: 2, silent: 0.2, spies: true },
};
const RUNS = Number(process.env['RUNS'] ?? 5);
const RTT_MS = Number(process.env['RTT_MS'] ?? 0);
const DHT_SIZE = Number(process.env['DHT_SIZE'] ?? 1000);
const picked = (process.env['SHAPES'] ?? Object.keys(ALL_SHAPES).join(',')).split(',');
for (const name of picked) if (!ALL_SHAPES[name]) throw new Error(`unknown shape "${name}": pick from ${Object.keys(ALL_SHAPES).join(', ')}`);
const HOSTS: Record<LookupKind, string> = { private: '127.225.1.1', plain: '127.225.1.2' };
const STAGES = ['cold', 'second', 'restart'] as const;
type Stage = (typeof STAGES)[number];
type Times = Record<Stage, number>;

/** The client bundled once, run as plain node like the compiled command (bench/lookup-client.ts). */
async function bundleClient(): Promise<string> {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const external = Object.keys(pkg.dependencies).flatMap((name) => [name, `${name}/*`]);
  // Under node_modules so its imports of npm packages resolve, and apart from build/ (npm run build empties it).
  const outfile = path.join(root, 'node_modules', '.cache', 'torrent-live-bench', 'lookup-client.mjs');
  await build({ absWorkingDir: root, entryPoints: ['bench/lookup-client.ts'], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20', external, logLevel: 'warning' });
  return outfile;
}

interface ClientResult {
  fromStartMs: number;
  fromPostMs: number;
  connectedIps: string[];
}

function runClient(client: string, args: object): Promise<ClientResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--openssl-legacy-provider', client, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ClientResult[]) : reject(new Error(`lookup client exited ${code}: ${out}`))));
  });
}

/**
 * One kind's three first bytes in one world, from process start: a first torrent and a second one
 * in one process, then a third in a new process on the same store (a restart).
 */
async function measure(client: string, kind: LookupKind, bootstrap: string[], fixtures: TorrentFixture[]): Promise<Times & { watcherPeers: number }> {
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-shapes-'));
  const base = { kind, bootstrap, host: HOSTS[kind], rttMs: RTT_MS, storeDir };
  try {
    const [cold, second] = await runClient(client, { ...base, infoHashes: [fixtures[0]!.infoHash, fixtures[1]!.infoHash] });
    const [restart] = await runClient(client, { ...base, infoHashes: [fixtures[2]!.infoHash] });
    const all = [cold!, second!, restart!];
    return {
      cold: cold!.fromStartMs,
      // The second torrent's wait starts at its own POST, not at process start.
      second: second!.fromPostMs,
      restart: restart!.fromStartMs,
      watcherPeers: all.reduce((n, r) => n + r.connectedIps.filter((ip) => ip.startsWith('127.238.')).length, 0),
    };
  } finally {
    if (!process.env["KEEP_STORE"]) fs.rmSync(storeDir, { recursive: true, force: true }); else console.log("store", kind, storeDir);
  }
}

const client = await bundleClient();
const table: Array<Record<string, string | number>> = [];
for (const name of picked) {
  const shape = ALL_SHAPES[name]!;
  const results: Record<LookupKind, Array<Times & { watcherPeers: number }>> = { private: [], plain: [] };
  for (let run = 0; run < RUNS; run++) {
    const recipes = STAGES.map((s, i) => ({ name: `shape-${name}-${run}-${s}.mp4`, files: [{ name: `${s}.mp4`, length: 1_000_000 }], seed: 7_000 + run * 10 + i }));
    const fixtures = await Promise.all(recipes.map((r) => makeFixture(r)));
    const world = await startWorld({ fixtures, dhtSize: DHT_SIZE, seeders: 0, addressBlock: 226, spreadSubnets: shape.spread, routers: true });
    // Seeders in processes of their own: the thousand DHT nodes' event loop must not delay them.
    const seeders = await Promise.all([1, 2, 3].map((i) => startSeederProcess({ host: `127.227.0.${i}`, bootstrap: world.dht.bootstrap, announceClosest: shape.announce, fixtures: recipes })));
    // Watcher peers at 127.(230+8).x: counted above as connections a quiet watcher got.
    const spies = shape.spies ? await startSpies({ dht: world.dht, realInfoHash: fixtures[0]!.infoHash, addressBase: 230, decoySpies: 8, sybils: 6, multiPortPorts: 5, realOnly: 8 }) : undefined;
    for (const fx of fixtures) silenceClosest(world.dht, Buffer.from(fx.infoHash, 'hex'), shape.silent);
    await new Promise((r) => setTimeout(r, 1_500));
    try {
      const order: LookupKind[] = run % 2 ? ['plain', 'private'] : ['private', 'plain'];
      for (const kind of order) results[kind].push(await measure(client, kind, world.dht.bootstrap, fixtures));
    } finally {
      await spies?.close();
      await Promise.all(seeders.map((s) => s.close()));
      await world.close();
    }
    const last = (k: LookupKind) => STAGES.map((s) => Math.round(results[k].at(-1)![s])).join('/');
    console.log(`${name} run ${run + 1}/${RUNS}: private ${last('private')} ms, plain ${last('plain')} ms (cold/second/restart); watcher peers connected: private ${results.private.at(-1)!.watcherPeers}, plain ${results.plain.at(-1)!.watcherPeers}`);
  }
  const row: Record<string, string | number> = { shape: shape.label };
  for (const stage of STAGES) {
    const p = median(results.private.map((r) => r[stage]));
    const q = median(results.plain.map((r) => r[stage]));
    row[`${stage} private/plain ms`] = `${Math.round(p)}/${Math.round(q)}`;
    row[`${stage} x`] = Number((p / q).toFixed(2));
  }
  row['watcher-peer connections (private, max)'] = Math.max(...results.private.map((r) => r.watcherPeers));
  table.push(row);
}
console.log(`${DHT_SIZE}-node loopback DHT${RTT_MS ? `, +${RTT_MS} ms a round trip` : ', RTT 0'}, 3 seeders, median of ${RUNS} runs; first byte from POST of the magnet`);
console.table(table);
process.exit(0);
