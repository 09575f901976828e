/**
 * What bench/private-lookup.ts and bench/lookup-shapes.ts share: a private or a plain lookup built
 * the same way around a loopback world (both with a socket whose sends can be delayed, as a WAN
 * would), put behind the real service, and timed from the POST of a magnet to the first byte of
 * its stream. The plain lookup (test/sim/plain-lookup.ts) is a bittorrent-dht client: the baseline.
 */
import dgram from 'node:dgram';
import { KrpcClient } from '../src/privacy/krpc.js';
import { PrivateLookupPeerSource } from '../src/privacy/private-lookup.js';
import type { PeerSource } from '../src/privacy/peer-source.js';
import { PlainLookupPeerSource } from '../test/sim/plain-lookup.js';
import type { TestService } from '../test/sim/service.js';

export type LookupKind = 'private' | 'plain';

/** A UDP socket whose sends leave `rttMs` late: both lookups pay the same per round trip. */
export function wanSocket(rttMs: number): dgram.Socket {
  const socket = dgram.createSocket('udp4');
  if (!rttMs) return socket;
  const send = socket.send.bind(socket) as (...args: unknown[]) => void;
  const late = (args: unknown[]) => {
    try {
      send(...args);
    } catch {
      // The lookup closed its socket while the datagram was "on the wire".
    }
  };
  (socket as unknown as { send: (...args: unknown[]) => void }).send = (...args: unknown[]) => void setTimeout(() => late(args), rttMs);
  return socket;
}

export function lookupSource(kind: LookupKind, opts: { bootstrap: string[]; host: string; rttMs: number; storeDir?: string }): PeerSource {
  return kind === 'private'
    ? new PrivateLookupPeerSource({
        bootstrap: opts.bootstrap,
        bindAddress: opts.host,
        ...(opts.storeDir ? { storeDir: opts.storeDir } : {}),
        openKrpc: async () => {
          const socket = wanSocket(opts.rttMs);
          await new Promise<void>((r) => socket.bind(0, opts.host, () => r()));
          const client = new KrpcClient({ socket, adaptiveTimeouts: true });
          if (process.env['LOOKUP_TRACE']) {
            const q = client.query.bind(client);
            (client as { query: typeof q }).query = (to, method, args) => {
              const t0 = performance.now();
              const ih = Buffer.isBuffer(args['info_hash']) ? args['info_hash'].toString('hex').slice(0, 8) : '-';
              const p = q(to, method, args);
              p.then((r) => process.stderr.write(`T ${t0.toFixed(1)} ${(performance.now() - t0).toFixed(1)} ${method} ${ih} ${to.host} ok ${Array.isArray(r['values']) ? r['values'].length : 0}\n`), (e: Error) => process.stderr.write(`T ${t0.toFixed(1)} ${(performance.now() - t0).toFixed(1)} ${method} ${ih} ${to.host} fail ${e.message}\n`));
              return p;
            };
          }
          return client;
        },
      })
    : new PlainLookupPeerSource({ bootstrap: opts.bootstrap, bindAddress: opts.host, relookupIntervalMs: 2_000, socket: wanSocket(opts.rttMs) });
}

export interface FirstByte {
  firstPeerMs: number;
  firstByteMs: number;
}

/** POSTs the magnet and reads byte 0 of its first file: the whole path a viewer waits on. */
export async function timeFirstByte(svc: TestService, infoHash: string): Promise<FirstByte> {
  const t0 = performance.now();
  let firstPeerMs = NaN;
  const unsubscribe = svc.bus.subscribe((e) => {
    if (e.event === 'peer' && e.state === 'connected' && e.infoHash === infoHash && Number.isNaN(firstPeerMs)) firstPeerMs = performance.now() - t0;
  });
  try {
    const added = await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: `magnet:?xt=urn:btih:${infoHash}` }) });
    if (!added.ok) throw new Error(`POST /api/torrents answered ${added.status}: ${await added.text()}`);
    const res = await fetch(`${svc.baseUrl}/stream/${infoHash}/0`, { headers: { range: 'bytes=0-0' } });
    await res.arrayBuffer();
    return { firstPeerMs, firstByteMs: performance.now() - t0 };
  } finally {
    unsubscribe();
  }
}

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
