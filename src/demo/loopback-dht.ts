/**
 * A loopback BitTorrent DHT: many bittorrent-dht nodes, each on its own 127.x address (so "one
 * IP, several ports" keeps its meaning), linked directly rather than by bootstrap walks so a
 * few hundred nodes come up in well under a second.
 */
import DHT from 'bittorrent-dht';

export interface SimNode {
  dht: DHT;
  host: string;
  port: number;
  id: Buffer;
}

export interface DhtNetwork {
  nodes: SimNode[];
  /** host:port strings, for --dht-bootstrap. */
  bootstrap: string[];
  close(): Promise<void>;
}

/**
 * 127.<second>.<n / 250>.<n % 250 + 1>: a distinct address per node. Spread, node n gets its own
 * /24 (127.<second>.<n % 250>.<n / 250 + 1>), as nodes near an infohash have on the real DHT.
 */
export function simAddress(second: number, n: number, spread = false): string {
  return spread ? `127.${second}.${n % 250}.${Math.floor(n / 250) + 1}` : `127.${second}.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

export async function startDhtNetwork(opts: {
  size: number;
  addressBlock?: number;
  spreadSubnets?: boolean;
  /** The bootstrap nodes keep no announces, like the public routers (a lookup must walk past them). */
  routers?: boolean;
  linksPerNode?: number;
  random?: () => number;
  /** Node n's address instead of simAddress (a world inside a network namespace uses its own block). */
  address?: (n: number) => string;
}): Promise<DhtNetwork> {
  const block = opts.addressBlock ?? 10;
  const random = opts.random ?? Math.random;
  const links = Math.min(opts.linksPerNode ?? 40, opts.size - 1);
  const nodes: SimNode[] = [];
  await Promise.all(
    Array.from({ length: opts.size }, (_, i) => {
      const host = opts.address ? opts.address(i) : simAddress(block, i, opts.spreadSubnets);
      const dht = new DHT({ bootstrap: false, host: false });
      dht.on('error', () => {});
      dht.on('warning', () => {});
      return new Promise<void>((resolve) => {
        dht.listen(0, host, () => {
          nodes[i] = { dht, host, port: dht.address().port, id: Buffer.from(dht.nodeId) };
          resolve();
        });
      });
    }),
  );
  for (const node of nodes) {
    const others = nodes.filter((n) => n !== node);
    for (let k = 0; k < links; k++) {
      const pick = others.splice(Math.floor(random() * others.length), 1)[0]!;
      node.dht.addNode({ id: pick.id, host: pick.host, port: pick.port });
    }
  }
  const bootstrapNodes = nodes.slice(0, 8);
  if (opts.routers) for (const n of bootstrapNodes) (n.dht as unknown as { _addPeer: () => void })._addPeer = () => {};
  return {
    nodes,
    bootstrap: bootstrapNodes.map((n) => `${n.host}:${n.port}`),
    close: () => Promise.all(nodes.map((n) => new Promise<void>((r) => n.dht.destroy(() => r())))).then(() => undefined),
  };
}
