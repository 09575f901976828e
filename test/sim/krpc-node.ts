/**
 * A raw KRPC node for the loopback DHT (test/sim): answers ping, find_node, get_peers and
 * announce_peer over its own UDP socket, with the get_peers answer decided by a hook, and records
 * every query it receives (method, infohash, sender, ro flag). Spy nodes are built on it.
 */
import dgram from 'node:dgram';
import { decodeBounded, encode, isDict, type BDict } from '../../src/privacy/bencode-bounded.js';
import { encodeNodes, encodePeer, type CompactNode } from '../../src/privacy/compact.js';
import type { PeerAddress } from '../../src/privacy/peer-source.js';

export interface ReceivedQuery {
  method: string;
  infoHash?: string;
  from: string;
  ro: boolean;
}

export interface KrpcNode {
  host: string;
  port: number;
  id: Buffer;
  received: ReceivedQuery[];
  close(): Promise<void>;
}

export interface KrpcNodeOptions {
  host: string;
  id: Buffer;
  /** Peers to answer a get_peers with; null answers with nodes instead. */
  values: (infoHash: Buffer) => PeerAddress[] | null;
  /** Nodes to hand out in find_node / get_peers answers. */
  neighbours: () => CompactNode[];
}

export async function startKrpcNode(opts: KrpcNodeOptions): Promise<KrpcNode> {
  const socket = dgram.createSocket('udp4');
  const received: ReceivedQuery[] = [];
  socket.on('error', () => {});
  socket.on('message', (raw, rinfo) => {
    let msg;
    try {
      msg = decodeBounded(raw);
    } catch {
      return;
    }
    if (!isDict(msg) || !Buffer.isBuffer(msg['q']) || !isDict(msg['a']) || !Buffer.isBuffer(msg['t'])) return;
    const method = msg['q'].toString();
    const a = msg['a'];
    const hash = Buffer.isBuffer(a['info_hash']) ? a['info_hash'] : undefined;
    received.push({ method, ...(hash ? { infoHash: hash.toString('hex') } : {}), from: `${rinfo.address}:${rinfo.port}`, ro: msg['ro'] === 1 });
    const r: BDict = { id: opts.id };
    if (method === 'find_node') r['nodes'] = encodeNodes(opts.neighbours().slice(0, 8));
    if (method === 'get_peers' && hash) {
      r['token'] = Buffer.from('tk');
      const values = opts.values(hash);
      if (values) r['values'] = values.map(encodePeer);
      else r['nodes'] = encodeNodes(opts.neighbours().slice(0, 8));
    }
    socket.send(encode({ t: msg['t'], y: Buffer.from('r'), r }), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, opts.host, () => resolve()));
  return {
    host: opts.host,
    port: socket.address().port,
    id: opts.id,
    received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
