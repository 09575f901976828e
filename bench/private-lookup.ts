/**
 * Private lookup vs the plain bittorrent-dht lookup on the same loopback world (200 honest
 * nodes, 3 seeders, 22 spies): time to first peer, time to first byte through the engine and
 * HTTP, and the KRPC queries each sent. Prints a table; run with `npx tsx bench/private-lookup.ts`.
 */
import { makeFixture } from '../test/sim/fixtures.js';
import { startWorld } from '../test/sim/world.js';
import { startSpies } from '../test/sim/spies.js';
import { startService } from '../test/sim/service.js';
import { PrivateLookupPeerSource } from '../src/privacy/private-lookup.js';
import { PlainLookupPeerSource } from '../test/sim/plain-lookup.js';
import type { PeerSource } from '../src/privacy/peer-source.js';

const RUNS = Number(process.env['RUNS'] ?? 3);
type RpcSocket = { on(event: 'query', fn: (q: unknown, peer: { address: string }) => void): void };

interface Figures { firstPeerMs: number; firstByteMs: number; krpcQueries: number; spyNodesAskedReal: number }

async function once(kind: 'private' | 'plain', run: number): Promise<Figures> {
  const fx = await makeFixture({ name: `bench-${kind}-${run}.mp4`, files: [{ name: 'b.mp4', length: 1_000_000 }], seed: 100 + run });
  const world = await startWorld({ fixtures: [fx], dhtSize: 200, seeders: 3 });
  const spies = await startSpies({ dht: world.dht, realInfoHash: fx.infoHash });
  const host = kind === 'private' ? '127.0.1.1' : '127.0.1.2';
  let queries = 0;
  for (const n of world.dht.nodes) (n.dht as unknown as { _rpc: { socket: RpcSocket } })._rpc.socket.on('query', (_q, peer) => { if (peer.address === host) queries++; });
  const source: PeerSource = kind === 'private'
    ? new PrivateLookupPeerSource({ bootstrap: world.dht.bootstrap, bindAddress: host, krpcTimeoutMs: 700 })
    : new PlainLookupPeerSource({ bootstrap: world.dht.bootstrap, bindAddress: host, relookupIntervalMs: 2_000 });
  const svc = await startService({ bootstrap: world.dht.bootstrap, peerSource: source });
  try {
    const t0 = performance.now();
    let firstPeerMs = NaN;
    const unsubscribe = svc.bus.subscribe((e) => { if (e.event === 'peer' && Number.isNaN(firstPeerMs)) firstPeerMs = performance.now() - t0; });
    await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: `magnet:?xt=urn:btih:${fx.infoHash}` }) });
    const res = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0`, { headers: { range: 'bytes=0-0' } });
    await res.arrayBuffer();
    const firstByteMs = performance.now() - t0;
    unsubscribe();
    const spyQueries = spies.allNodes.flatMap((n) => n.received.filter((q) => q.from.startsWith(`${host}:`)));
    const spyNodesAskedReal = new Set(spies.allNodes.filter((n) => n.received.some((q) => q.from.startsWith(`${host}:`) && q.infoHash === fx.infoHash)).map((n) => `${n.host}:${n.port}`)).size;
    return { firstPeerMs, firstByteMs, krpcQueries: queries + spyQueries.length, spyNodesAskedReal };
  } finally {
    await svc.close();
    await spies.close();
    await world.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<string, Figures[]> = { private: [], plain: [] };
for (let run = 0; run < RUNS; run++) for (const kind of ['private', 'plain'] as const) results[kind]!.push(await once(kind, run));
const row = (kind: string) => {
  const r = results[kind]!;
  return { lookup: kind, 'first peer ms': Math.round(median(r.map((x) => x.firstPeerMs))), 'first byte ms': Math.round(median(r.map((x) => x.firstByteMs))), 'KRPC queries': median(r.map((x) => x.krpcQueries)), 'spy nodes asked real': median(r.map((x) => x.spyNodesAskedReal)) };
};
const p = row('private');
const q = row('plain');
console.log(`loopback world: 200 honest nodes, 3 seeders, 22 spy nodes; median of ${RUNS} runs`);
console.table([p, q]);
console.log(`private/plain: first peer x${(p['first peer ms'] / q['first peer ms']).toFixed(2)}, first byte x${(p['first byte ms'] / q['first byte ms']).toFixed(2)}, KRPC queries x${(p['KRPC queries'] / q['KRPC queries']).toFixed(2)}`);
process.exit(0);
