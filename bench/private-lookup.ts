/**
 * Private lookup vs a plain bittorrent-dht lookup (test/sim/plain-lookup.ts) in the same loopback
 * world: 1,000 honest nodes (each in its own /24; the 8 bootstrap nodes keep no announces, like
 * the public routers), 3 honest seeders that announce to the 8 nodes closest to the infohash (as
 * libtorrent does), and every spy kind: decoy
 * spies, sybils, one IP on many ports, and quiet watchers (answer only the real infohash, peers
 * that never deliver). Each run starts a fresh world and measures both lookups in it, alternating
 * which goes first. Prints medians: first peer, first byte (through the engine and HTTP), KRPC
 * queries sent, spy nodes that saw the real infohash by kind, connections to spy peers by kind,
 * honest seeders used. Run with `npx tsx bench/private-lookup.ts` (RUNS=5 for more runs;
 * RTT_MS=50 delays every KRPC datagram the two clients send by that much, as a WAN would: on
 * loopback a round trip costs a few ms and the lookups' extra round trips weigh far more).
 */
import { makeFixture } from '../test/sim/fixtures.js';
import { startWorld, type World } from '../test/sim/world.js';
import { startSpies, type SpyWorld } from '../test/sim/spies.js';
import { startService } from '../test/sim/service.js';
import { lookupSource, median, timeFirstByte, type LookupKind } from './lookup-measure.js';

const RUNS = Number(process.env['RUNS'] ?? 3);
const RTT_MS = Number(process.env['RTT_MS'] ?? 0);
const DHT_SIZE = Number(process.env['DHT_SIZE'] ?? 1000);
const SPIES = { decoySpies: 8, sybils: 6, multiPortPorts: 5, realOnly: 8 };
const HOSTS = { private: '127.69.1.1', plain: '127.69.1.2' } as const;
type Kind = LookupKind;
type RpcSocket = { on(event: 'query', fn: (q: unknown, peer: { address: string }) => void): void };

interface Figures {
  firstPeerMs: number;
  firstByteMs: number;
  krpcQueries: number;
  sawReal: Record<'decoy' | 'sybil' | 'multi-port' | 'watcher', number>;
  spyPeerConnections: Record<'decoy-spy peers' | 'watcher peers', number>;
  seedersUsed: number;
}

function countQueries(world: World, spies: SpyWorld, host: string): () => number {
  let honest = 0;
  for (const n of world.dht.nodes) (n.dht as unknown as { _rpc: { socket: RpcSocket } })._rpc.socket.on('query', (_q, peer) => { if (peer.address === host) honest++; });
  return () => honest + spies.allNodes.reduce((sum, n) => sum + n.received.filter((q) => q.from.startsWith(`${host}:`)).length, 0);
}

async function measure(kind: Kind, world: World, spies: SpyWorld, infoHash: string): Promise<Figures> {
  const host = HOSTS[kind];
  const queries = countQueries(world, spies, host);
  const source = lookupSource(kind, { bootstrap: world.dht.bootstrap, host, rttMs: RTT_MS });
  const svc = await startService({ bootstrap: world.dht.bootstrap, peerSource: source });
  try {
    const { firstPeerMs, firstByteMs } = await timeFirstByte(svc, infoHash);
    // Let the lookup settle (more answers, needMore) so connections reflect a running session.
    await new Promise((r) => setTimeout(r, 2_000));
    const connected = new Set(svc.events.flatMap((e) => (e.event === 'peer' && e.state === 'connected' ? [e.ip] : [])));
    const saw = (nodes: SpyWorld['allNodes']) => nodes.filter((n) => n.received.some((q) => q.from.startsWith(`${host}:`) && q.infoHash === infoHash)).length;
    return {
      firstPeerMs,
      firstByteMs,
      krpcQueries: queries(),
      sawReal: { decoy: saw(spies.decoySpies), sybil: saw(spies.sybils), 'multi-port': saw(spies.multiPort), watcher: saw(spies.realOnly) },
      spyPeerConnections: { 'decoy-spy peers': spies.decoyPeers.filter((p) => connected.has(p.host)).length, 'watcher peers': spies.behaviourPeers.filter((p) => connected.has(p.host)).length },
      seedersUsed: world.seeders.filter((s) => connected.has(s.host)).length,
    };
  } finally {
    await svc.close();
    await source.close();
  }
}

const results: Record<Kind, Figures[]> = { private: [], plain: [] };
for (let run = 0; run < RUNS; run++) {
  const fx = await makeFixture({ name: `bench-${run}.mp4`, files: [{ name: 'b.mp4', length: 1_000_000 }], seed: 100 + run });
  const world = await startWorld({ fixtures: [fx], dhtSize: DHT_SIZE, seeders: 3, addressBlock: 53, seederBlock: 58, spreadSubnets: true, routers: true, announceClosest: 8 });
  const spies = await startSpies({ dht: world.dht, realInfoHash: fx.infoHash, addressBase: 60, ...SPIES });
  // A fresh world is busy for a moment (routing-table pings); both lookups start after it settles.
  await new Promise((r) => setTimeout(r, 1_500));
  try {
    const order: Kind[] = run % 2 ? ['plain', 'private'] : ['private', 'plain'];
    for (const kind of order) results[kind].push(await measure(kind, world, spies, fx.infoHash));
  } finally {
    await spies.close();
    await world.close();
  }
}

for (const k of ['private', 'plain'] as const) console.log(`${k}, each run (first peer/first byte ms):`, results[k].map((f) => `${Math.round(f.firstPeerMs)}/${Math.round(f.firstByteMs)}`).join(' '));
const byKind = (r: Figures[], pick: (f: Figures) => Record<string, number>) => Object.entries(pick(r[0]!)).map(([k]) => `${k} ${median(r.map((f) => pick(f)[k]!))}`).join(', ');
const row = (kind: Kind) => {
  const r = results[kind];
  return {
    lookup: kind,
    'first peer ms': Math.round(median(r.map((x) => x.firstPeerMs))),
    'first byte ms': Math.round(median(r.map((x) => x.firstByteMs))),
    'KRPC queries': median(r.map((x) => x.krpcQueries)),
    'spy nodes that saw the real infohash': byKind(r, (f) => f.sawReal),
    'connections to spy peers': byKind(r, (f) => f.spyPeerConnections),
    'honest seeders used': `${median(r.map((x) => x.seedersUsed))}/3`,
  };
};
const p = row('private');
const q = row('plain');
console.log(`loopback world${RTT_MS ? ` (+${RTT_MS} ms a round trip)` : ''}: ${DHT_SIZE} honest nodes, 3 seeders, spies: ${SPIES.decoySpies} decoy, ${SPIES.sybils} sybil, 1 IP on ${SPIES.multiPortPorts} ports, ${SPIES.realOnly} quiet watchers; median of ${RUNS} runs`);
console.table([p, q]);
console.log(`private/plain: first peer x${(p['first peer ms'] / q['first peer ms']).toFixed(2)}, first byte x${(p['first byte ms'] / q['first byte ms']).toFixed(2)}, KRPC queries x${(p['KRPC queries'] / q['KRPC queries']).toFixed(2)}`);
process.exit(0);
