/**
 * First byte of the private lookup against a plain DHT client, in worlds of different shapes: a
 * lookup that is fast only in the world it was tuned on is not fast. Each shape varies one thing
 * the real DHT varies (docs/PRIVACY.md, "Where the lookup waits"):
 * - honest nodes each in their own /24, or packed 250 to a /24;
 * - seeders announced to few (2), the usual (8) or many (20) of the nodes closest to the infohash;
 * - 0, 10 or 20 % of the 40 nodes closest to the infohash silent;
 * - spies (decoy spies, sybils, one IP on many ports, quiet watchers) or none.
 * Per run a fresh world; both lookups measured in it, alternating which goes first, each for three
 * torrents: the first of a session (cold), a second one in the same session, and a third after a
 * restart on the same store. Prints the median first byte of each and the private/plain ratio.
 *
 *   npm run bench:lookup-shapes            # every shape, 5 runs each, RTT 0
 *   RTT_MS=50 RUNS=3 SHAPES=spread,silent20 npm run bench:lookup-shapes
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFixture, type TorrentFixture } from '../test/sim/fixtures.js';
import { startWorld } from '../test/sim/world.js';
import { startSpies } from '../test/sim/spies.js';
import { startService } from '../test/sim/service.js';
import { silenceClosest } from '../test/sim/silent-nodes.js';
import { lookupSource, median, timeFirstByte, type LookupKind } from './lookup-measure.js';

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

/** One kind's three first bytes in one world: cold, a second torrent, a third after a restart. */
async function measure(kind: LookupKind, bootstrap: string[], fixtures: TorrentFixture[]): Promise<Times & { watcherPeers: number }> {
  const host = HOSTS[kind];
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-shapes-'));
  const times = {} as Times;
  let watcherIps = 0;
  try {
    for (const [i, stage] of STAGES.entries()) {
      if (stage === 'second') continue;
      const source = lookupSource(kind, { bootstrap, host, rttMs: RTT_MS, storeDir });
      const svc = await startService({ bootstrap, peerSource: source, storeDir });
      try {
        times[stage] = (await timeFirstByte(svc, fixtures[i]!.infoHash)).firstByteMs;
        if (stage === 'cold') times.second = (await timeFirstByte(svc, fixtures[1]!.infoHash)).firstByteMs;
        watcherIps += svc.events.filter((e) => e.event === 'peer' && e.state === 'connected' && e.ip.startsWith('127.238.')).length;
      } finally {
        await svc.close({ keepStore: true });
        await source.close();
      }
    }
  } finally {
    fs.rmSync(storeDir, { recursive: true, force: true });
  }
  return { ...times, watcherPeers: watcherIps };
}

const table: Array<Record<string, string | number>> = [];
for (const name of picked) {
  const shape = ALL_SHAPES[name]!;
  const results: Record<LookupKind, Array<Times & { watcherPeers: number }>> = { private: [], plain: [] };
  for (let run = 0; run < RUNS; run++) {
    const fixtures = await Promise.all(STAGES.map((s, i) => makeFixture({ name: `shape-${name}-${run}-${s}.mp4`, files: [{ name: `${s}.mp4`, length: 1_000_000 }], seed: 7_000 + run * 10 + i })));
    const world = await startWorld({ fixtures, dhtSize: DHT_SIZE, seeders: 3, addressBlock: 226, seederBlock: 227, spreadSubnets: shape.spread, routers: true, announceClosest: shape.announce });
    // Watcher peers at 127.(230+8).x: counted above as connections a quiet watcher got.
    const spies = shape.spies ? await startSpies({ dht: world.dht, realInfoHash: fixtures[0]!.infoHash, addressBase: 230, decoySpies: 8, sybils: 6, multiPortPorts: 5, realOnly: 8 }) : undefined;
    for (const fx of fixtures) silenceClosest(world.dht, Buffer.from(fx.infoHash, 'hex'), shape.silent);
    await new Promise((r) => setTimeout(r, 1_500));
    try {
      const order: LookupKind[] = run % 2 ? ['plain', 'private'] : ['private', 'plain'];
      for (const kind of order) results[kind].push(await measure(kind, world.dht.bootstrap, fixtures));
    } finally {
      await spies?.close();
      await world.close();
    }
    const last = (k: LookupKind) => STAGES.map((s) => Math.round(results[k].at(-1)![s])).join('/');
    console.log(`${name} run ${run + 1}/${RUNS}: private ${last('private')} ms, plain ${last('plain')} ms (cold/second/restart)`);
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
