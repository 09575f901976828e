/**
 * The crawler for --no-freerider: a DHT node whose ID sits next to the infohash, so queries about
 * the torrent come to it. It answers like an honest node (ping, find_node, get_peers with nodes,
 * announce_peer) and flags IPs that send an abnormal number of get_peers/announce_peer for the
 * torrent. It must answer to be asked at all, which is why freerider mode never runs it.
 */
import { KrpcClient, type KrpcQuery } from './krpc.js';
import type { UdpOpener } from '../route/udp-socket.js';
import { makeDecoy } from './decoy.js';
import { compareDistance, defaultRandomBytes, idFromHex, isId, type RandomBytes } from './node-id.js';
import { encodeNodes, type CompactNode } from './compact.js';
import { QueryRate } from './query-rate.js';
import { walk } from './walk.js';
import type { BDict } from './bencode-bounded.js';
import type { PeerAddress } from './peer-source.js';
import type { SpyWatch } from './spy-watch.js';

/** Bits the crawler's ID shares with the infohash: closer than any honest node on the real DHT. */
export const CRAWLER_SHARED_BITS = 40;

export interface CrawlerOptions {
  infoHash: string;
  bootstrap: readonly PeerAddress[];
  watch: SpyWatch;
  bindAddress?: string | undefined;
  /** The route's UDP opener (src/route); the service always passes it. */
  openUdp?: UdpOpener | undefined;
  port?: number;
  now?: () => number;
  randomBytes?: RandomBytes;
  rate?: QueryRate;
}

export interface Crawler {
  id: Buffer;
  address(): PeerAddress;
  krpc: KrpcClient;
  close(): Promise<void>;
}

export async function startCrawler(opts: CrawlerOptions): Promise<Crawler> {
  const real = idFromHex(opts.infoHash);
  const randomBytes = opts.randomBytes ?? defaultRandomBytes;
  const id = makeDecoy(real, { sharedBits: CRAWLER_SHARED_BITS, randomBytes });
  const rate = opts.rate ?? new QueryRate();
  const now = opts.now ?? Date.now;
  const known: CompactNode[] = [];
  const closest = (target: Buffer) => [...known].sort((a, b) => compareDistance(target, a.id, b.id)).slice(0, 8);

  const onQuery = (q: KrpcQuery): BDict | null => {
    const hash = q.args['info_hash'];
    const target = q.args['target'];
    if (q.method === 'ping') return { id };
    if (q.method === 'find_node' && Buffer.isBuffer(target) && isId(target)) return { id, nodes: encodeNodes(closest(target)) };
    if ((q.method === 'get_peers' || q.method === 'announce_peer') && Buffer.isBuffer(hash) && isId(hash)) {
      if (hash.equals(real) && rate.hit(q.from.host, now())) {
        opts.watch.record([{ ip: q.from.host, port: q.from.port, reason: 'crawler', evidence: `${rate.count(q.from.host, now())} ${q.method} for ${opts.infoHash} within ${rate.windowMs} ms` }], opts.infoHash);
      }
      return q.method === 'get_peers' ? { id, token: randomBytes(4), nodes: encodeNodes(closest(hash)) } : { id };
    }
    return null;
  };
  const krpc = await KrpcClient.open({ openSocket: opts.openUdp, bindAddress: opts.bindAddress, port: opts.port ?? 0, freerider: false, onQuery, randomBytes });
  // Walking toward our own ID puts us in the routing tables of the infohash's neighbours.
  const result = await walk({ krpc, target: id, nodeId: id, bootstrap: opts.bootstrap });
  known.push(...result.responded.map((n) => ({ id: n.id, host: n.host, port: n.port })));
  return { id, krpc, address: () => krpc.address(), close: () => krpc.close() };
}
