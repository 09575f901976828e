/**
 * Makes loopback DHT nodes silent, as a real DHT's closest nodes often are (gone, NAT mapping
 * expired, firewalled): they stay in every routing table and keep their address, but drop every
 * datagram, so a lookup pays a timeout for each one it asks.
 */
import { compareDistance } from '../../src/privacy/node-id.js';
import type { DhtNetwork, SimNode } from './dht-network.js';

interface KrpcInternals {
  _rpc: { socket: { socket: { removeAllListeners(event: string): void } } };
}

/** Silences `fraction` of the `among` honest nodes closest to `target`, spread over that range. */
export function silenceClosest(net: DhtNetwork, target: Buffer, fraction: number, among = 40): SimNode[] {
  // The bootstrap nodes stay up: a lookup that cannot start measures nothing.
  const routers = new Set(net.bootstrap);
  const closest = net.nodes.filter((n) => !routers.has(`${n.host}:${n.port}`)).sort((a, b) => compareDistance(target, a.id, b.id)).slice(0, among);
  const count = Math.round(closest.length * fraction);
  // Every (among/count)-th node: the very closest and the outer ones alike, not one cluster.
  const chosen = Array.from({ length: count }, (_, i) => closest[Math.floor((i * closest.length) / count)]!);
  for (const node of chosen) (node.dht as unknown as KrpcInternals)._rpc.socket.socket.removeAllListeners('message');
  return chosen;
}
