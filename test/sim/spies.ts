/**
 * Spies for the loopback DHT, of every kind the private lookup must handle:
 * - decoy spies: answer any get_peers with values (their spy peers), like monitoring firms;
 * - sybils: behave, but their IDs sit abnormally close to the real infohash;
 * - one IP behind many ports and node IDs;
 * - quiet watchers (real-only spies): answer values only for the real infohash, never a decoy,
 *   each from its own /24; their peers can be told apart only by how few nodes vouch for them;
 * - spy peers: TCP, accept any handshake, never send a byte of data.
 * Spies are linked into the honest nodes' routing tables so walks meet them.
 */
import net from 'node:net';
import crypto from 'node:crypto';
import Wire from 'bittorrent-protocol';
import { makeDecoy } from '../../src/privacy/decoy.js';
import { compareDistance } from '../../src/privacy/node-id.js';
import type { CompactNode } from '../../src/privacy/compact.js';
import type { PeerAddress } from '../../src/privacy/peer-source.js';
import { startKrpcNode, type KrpcNode } from './krpc-node.js';
import type { DhtNetwork } from './dht-network.js';

export interface SpyPeer extends PeerAddress {
  /** host:port of every connection that completed a handshake, with the infohash asked. */
  handshakes: Array<{ from: string; infoHash: string }>;
  connections: number;
  close(): Promise<void>;
}

export async function startSpyPeer(host: string): Promise<SpyPeer> {
  const sockets = new Set<net.Socket>();
  const state = { connections: 0, handshakes: [] as SpyPeer['handshakes'] };
  const server = net.createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    const wire = new Wire();
    wire.on('error', () => socket.destroy());
    socket.pipe(wire).pipe(socket);
    wire.on('handshake', (infoHash: string) => {
      state.handshakes.push({ from: `${socket.remoteAddress}:${socket.remotePort}`, infoHash });
      wire.handshake(infoHash, crypto.randomBytes(20).toString('hex'), { dht: false });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return {
    host,
    port: (server.address() as net.AddressInfo).port,
    get connections() { return state.connections; },
    handshakes: state.handshakes,
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface SpyWorld {
  decoySpies: KrpcNode[];
  sybils: KrpcNode[];
  multiPort: KrpcNode[];
  realOnly: KrpcNode[];
  /** Peers the decoy spies hand out (detectable by decoys). */
  decoyPeers: SpyPeer[];
  /** Peers the real-only spies hand out (caught by behaviour). */
  behaviourPeers: SpyPeer[];
  allNodes: KrpcNode[];
  /** Every IP a decoy sweep can catch: decoy spies and their peers. */
  decoyDetectableIps: Set<string>;
  close(): Promise<void>;
}

export interface SpyWorldOptions {
  dht: DhtNetwork;
  realInfoHash: string;
  decoySpies?: number;
  sybils?: number;
  multiPortPorts?: number;
  realOnly?: number;
  random?: () => number;
  /**
   * Second octet of the first spy block (default 70): decoy spies at base, sybils base+1,
   * multi-port base+2, quiet watchers base+3, decoy-spy peers base+7, watcher peers base+8.
   */
  addressBase?: number;
}

export async function startSpies(opts: SpyWorldOptions): Promise<SpyWorld> {
  const real = Buffer.from(opts.realInfoHash, 'hex');
  const random = opts.random ?? Math.random;
  const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
  // Close enough to be among the 40 closest of a few hundred nodes, not abnormally close.
  const nearId = () => makeDecoy(real, { sharedBits: 4 + Math.floor(random() * 4), randomBytes });
  const sybilId = () => makeDecoy(real, { sharedBits: 24 + Math.floor(random() * 16), randomBytes });
  const honest: CompactNode[] = opts.dht.nodes.map((n) => ({ id: n.id, host: n.host, port: n.port }));
  const closestHonest = [...honest].sort((a, b) => compareDistance(real, a.id, b.id));
  const neighbours = () => closestHonest.slice(0, 8);

  const base = opts.addressBase ?? 70;
  const decoyPeers = await Promise.all(Array.from({ length: opts.decoySpies ?? 8 }, (_, i) => startSpyPeer(`127.${base + 7}.0.${i + 1}`)));
  // behaviourPeers[i] is the peer realOnly[i] hands out.
  const behaviourPeers = await Promise.all(Array.from({ length: opts.realOnly ?? 3 }, (_, i) => startSpyPeer(`127.${base + 8}.${i + 1}.1`)));
  const asPeer = (p: SpyPeer): PeerAddress => ({ host: p.host, port: p.port });

  const decoySpies = await Promise.all(decoyPeers.map((peer, i) => startKrpcNode({ host: `127.${base}.0.${i + 1}`, id: nearId(), values: () => [asPeer(peer)], neighbours })));
  const sybils = await Promise.all(Array.from({ length: opts.sybils ?? 6 }, (_, i) => startKrpcNode({ host: `127.${base + 1}.0.${i + 1}`, id: sybilId(), values: () => null, neighbours })));
  const multiPort: KrpcNode[] = [];
  for (let i = 0; i < (opts.multiPortPorts ?? 5); i++) {
    multiPort.push(await startKrpcNode({ host: `127.${base + 2}.0.1`, id: nearId(), values: () => null, neighbours: () => [...multiPort.map((m) => ({ id: m.id, host: m.host, port: m.port })), ...neighbours()] }));
  }
  const realOnly = await Promise.all(behaviourPeers.map((peer, i) => startKrpcNode({ host: `127.${base + 3}.${i + 1}.1`, id: nearId(), values: (h) => (h.equals(real) ? [asPeer(peer)] : null), neighbours })));

  const allNodes = [...decoySpies, ...sybils, ...multiPort, ...realOnly];
  for (const node of opts.dht.nodes) for (const spy of allNodes) node.dht.addNode({ id: spy.id, host: spy.host, port: spy.port });

  return {
    decoySpies,
    sybils,
    multiPort,
    realOnly,
    decoyPeers,
    behaviourPeers,
    allNodes,
    decoyDetectableIps: new Set([...decoySpies.map((s) => s.host), ...decoyPeers.map((p) => p.host)]),
    close: async () => {
      await Promise.all([...allNodes.map((n) => n.close()), ...decoyPeers.map((p) => p.close()), ...behaviourPeers.map((p) => p.close())]);
    },
  };
}
