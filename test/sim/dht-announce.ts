/**
 * Announcing peers into the loopback DHT and asking it who holds them, over KRPC as a client on
 * the wire would (sim-only; the demo has no use for it):
 * - announcePeer: get_peers then announce_peer, from a UDP socket bound on the peer's own address
 *   (a node's token is tied to the asker's IP), to the nodes closest to the infohash, as libtorrent
 *   announces to its 8 closest. The queries carry no node ID, so the sim nodes do not add the
 *   short-lived announcing socket to their routing tables (k-rpc adds every querier with a valid
 *   ID), where it would be a dead node every later lookup waits on.
 * - dhtHolders: get_peers to every sim node; the nodes that answer with the peer hold its announce.
 */
import { KrpcClient } from '../../src/privacy/krpc.js';
import { compareDistance, idFromHex } from '../../src/privacy/node-id.js';
import { parseGetPeersReply } from '../../src/privacy/walk.js';
import type { PeerAddress } from '../../src/privacy/peer-source.js';
import type { DhtNetwork, SimNode } from './dht-network.js';

/** The sim nodes closest to the infohash by XOR distance, closest first. */
export function closestNodes(net: DhtNetwork, infoHash: string, k: number): SimNode[] {
  const target = idFromHex(infoHash);
  return [...net.nodes].sort((a, b) => compareDistance(target, a.id, b.id)).slice(0, k);
}

/**
 * Announces `peer` for `infoHash` to the `closest` nodes nearest the infohash (default 8, as
 * libtorrent), from `peer.host`. The announced port is `peer.port` (not the UDP source port), so
 * whatever does or does not listen there is what a client will meet. Resolves with how many
 * nodes accepted it; rejects naming the peer when none did.
 */
export async function announcePeer(net: DhtNetwork, infoHash: string, peer: PeerAddress, opts: { closest?: number; timeoutMs?: number } = {}): Promise<number> {
  const krpc = await KrpcClient.open({ bindAddress: peer.host, freerider: true, timeoutMs: opts.timeoutMs ?? 2_000 });
  const hash = idFromHex(infoHash);
  try {
    const results = await Promise.allSettled(
      closestNodes(net, infoHash, opts.closest ?? 8).map(async (node) => {
        const to = { host: node.host, port: node.port };
        const r = await krpc.query(to, 'get_peers', { info_hash: hash });
        const token = r['token'];
        if (!Buffer.isBuffer(token)) throw new Error(`${node.host}:${node.port} gave no token`);
        await krpc.query(to, 'announce_peer', { info_hash: hash, port: peer.port, token, implied_port: 0 });
      }),
    );
    const accepted = results.filter((r) => r.status === 'fulfilled').length;
    if (accepted === 0) {
      const why = results.map((r) => (r.status === 'rejected' ? String((r.reason as Error).message) : 'ok')).slice(0, 3).join('; ');
      throw new Error(`no DHT node accepted the announce of ${peer.host}:${peer.port} for ${infoHash}: ${why}`);
    }
    return accepted;
  } finally {
    await krpc.close();
  }
}

/** Announces many peers, a bounded number at a time (each opens a UDP socket on its own address). */
export async function announcePeers(net: DhtNetwork, infoHash: string, peers: readonly PeerAddress[], opts: { closest?: number; concurrency?: number } = {}): Promise<void> {
  const queue = [...peers];
  const worker = async () => {
    for (let p = queue.shift(); p; p = queue.shift()) await announcePeer(net, infoHash, p, opts);
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 32, queue.length) }, worker));
}

export interface Holder {
  node: SimNode;
  peers: PeerAddress[];
}

/** Every sim node that answers get_peers(infoHash) with values, and the values it gave. */
export async function dhtHolders(net: DhtNetwork, infoHash: string, askFrom = '127.169.255.254'): Promise<Holder[]> {
  const krpc = await KrpcClient.open({ bindAddress: askFrom, freerider: true, timeoutMs: 2_000 });
  const hash = idFromHex(infoHash);
  try {
    const answers = await Promise.all(
      net.nodes.map(async (node): Promise<Holder | null> => {
        try {
          const parsed = parseGetPeersReply(await krpc.query({ host: node.host, port: node.port }, 'get_peers', { info_hash: hash }));
          return parsed && parsed.values.length ? { node, peers: parsed.values } : null;
        } catch {
          return null;
        }
      }),
    );
    return answers.filter((h): h is Holder => h !== null);
  } finally {
    await krpc.close();
  }
}

/** The nodes holding one particular peer's announce. */
export async function holdersOf(net: DhtNetwork, infoHash: string, peer: PeerAddress): Promise<SimNode[]> {
  return (await dhtHolders(net, infoHash)).filter((h) => h.peers.some((p) => p.host === peer.host && p.port === peer.port)).map((h) => h.node);
}

/**
 * Waits until at least `minNodes` sim nodes hold `peer` for `infoHash`, calling `reannounce`
 * between checks (libtorrent announces once when its DHT is up; a retry covers an announce that
 * raced the bootstrap). Resolves with the holders; rejects saying how many held it.
 */
export async function waitAnnounced(net: DhtNetwork, infoHash: string, peer: PeerAddress, opts: { minNodes: number; timeoutMs?: number; reannounce?: () => Promise<void> }): Promise<SimNode[]> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let holders: SimNode[] = [];
  let lastAnnounce = Date.now();
  for (;;) {
    holders = await holdersOf(net, infoHash, peer);
    if (holders.length >= opts.minNodes) return holders;
    if (Date.now() > deadline) throw new Error(`${peer.host}:${peer.port} is held by ${holders.length} DHT node(s) for ${infoHash}, fewer than ${opts.minNodes}, after ${opts.timeoutMs ?? 20_000} ms: its announce did not land`);
    if (opts.reannounce && Date.now() - lastAnnounce > 3_000) {
      lastAnnounce = Date.now();
      await opts.reannounce();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
