/**
 * The iterative get_peers walk toward a target (a decoy, in the private lookup): from the
 * bootstrap nodes, always asking the closest not-yet-asked nodes, until the k closest known nodes
 * have all answered. It records every address seen (for multi-port/multi-ID vetting), which nodes
 * answered with `values`, and those values.
 */
import { compareDistance, isId } from './node-id.js';
import { decodeNodes, decodePeer, type CompactNode } from './compact.js';
import type { BDict } from './bencode-bounded.js';
import { KrpcTimeoutError, type KrpcClient } from './krpc.js';
import type { PeerAddress } from './peer-source.js';
import { newAddressBook, noteAddress, type AddressBook, type NodeRecord } from './vet.js';

/** docs/ARCHITECTURE.md: sweep until the 40 closest nodes have answered. */
export const WALK_CLOSEST = 40;
export const WALK_CONCURRENCY = 16;
/** A walk that has not converged after this many queries is cut short. */
export const WALK_MAX_QUERIES = 3_000;
/** Values beyond this in one reply are ignored: no honest node returns more than ~100. */
export const MAX_VALUES_PER_REPLY = 200;

export interface WalkNode extends NodeRecord {
  /** Peers the node returned for the walk's target. */
  values: PeerAddress[];
  /** 0 for the first node to answer, 1 for the next... */
  answerOrder: number;
}

export interface WalkResult {
  target: Buffer;
  nodeId: Buffer;
  /** Nodes that answered, closest first, at most k. */
  closest: WalkNode[];
  /** Every node that answered. */
  responded: WalkNode[];
  book: AddressBook;
  queries: number;
  converged: boolean;
  /** Nodes that never answered, with why ('timed out' or the socket's error). */
  silent: Array<PeerAddress & { why: string }>;
}

export interface WalkOptions {
  krpc: KrpcClient;
  target: Buffer;
  nodeId: Buffer;
  bootstrap: readonly PeerAddress[];
  /** Nodes with known IDs from earlier walks, to start closer. */
  seeds?: readonly CompactNode[];
  k?: number;
  concurrency?: number;
  maxQueries?: number;
  /** Addresses never to query (our own). */
  skip?: (addr: PeerAddress) => boolean;
  /** The address book as it fills, for vetting while the walk goes on. */
  onBook?: (book: AddressBook) => void;
  /** Each node with a known ID as it is asked (the sweep sends its probe alongside). */
  onAsk?: (node: NodeRecord) => void;
  /** Each node as it answers (the sweep probes the ones near the front while the walk goes on). */
  onResponse?: (node: WalkNode) => void;
}

interface Candidate {
  host: string;
  port: number;
  id?: Buffer;
  state: 'new' | 'pending' | 'done' | 'failed';
}

const keyOf = (a: PeerAddress) => `${a.host}:${a.port}`;

/** Parses a get_peers reply into its node ID, nodes and values; null when it has no valid ID. */
export function parseGetPeersReply(r: BDict): { id: Buffer; nodes: CompactNode[]; values: PeerAddress[] } | null {
  const id = r['id'];
  if (!Buffer.isBuffer(id) || !isId(id)) return null;
  const nodesRaw = r['nodes'];
  const nodes = Buffer.isBuffer(nodesRaw) ? decodeNodes(nodesRaw) : [];
  const valuesRaw = r['values'];
  const values: PeerAddress[] = [];
  if (Array.isArray(valuesRaw)) {
    for (const v of valuesRaw.slice(0, MAX_VALUES_PER_REPLY)) {
      const peer = Buffer.isBuffer(v) ? decodePeer(v) : null;
      if (peer) values.push(peer);
    }
  }
  return { id, nodes, values };
}

export async function walk(opts: WalkOptions): Promise<WalkResult> {
  const k = opts.k ?? WALK_CLOSEST;
  const concurrency = opts.concurrency ?? WALK_CONCURRENCY;
  const maxQueries = opts.maxQueries ?? WALK_MAX_QUERIES;
  const { target, krpc } = opts;
  const candidates = new Map<string, Candidate>();
  const book = newAddressBook();
  opts.onBook?.(book);
  const responded: WalkNode[] = [];
  const silent: WalkResult['silent'] = [];
  let queries = 0;

  // Kept sorted by distance as candidates arrive (binary insertion), so each answer costs a scan of
  // the front rather than a sort of every node heard of. Unknown IDs (bootstrap) are kept apart.
  const unknown: Candidate[] = [];
  const ordered: Candidate[] = [];
  const place = (c: Candidate) => {
    if (!c.id) return unknown.push(c);
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareDistance(target, ordered[mid]!.id!, c.id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    ordered.splice(lo, 0, c);
  };
  const setId = (c: Candidate, id: Buffer) => {
    if (c.id?.equals(id)) return;
    const list = c.id ? ordered : unknown;
    list.splice(list.indexOf(c), 1);
    c.id = id;
    place(c);
  };
  const consider = (addr: PeerAddress, id?: Buffer) => {
    if (opts.skip?.(addr)) return;
    noteAddress(book, addr.host, addr.port, id);
    const key = keyOf(addr);
    const existing = candidates.get(key);
    if (!existing) {
      const c: Candidate = { host: addr.host, port: addr.port, ...(id ? { id } : {}), state: 'new' };
      candidates.set(key, c);
      place(c);
    } else if (!existing.id && id) setId(existing, id);
  };
  for (const b of opts.bootstrap) consider(b);
  for (const s of opts.seeds ?? []) consider(s, s.id);

  /**
   * The k closest candidates still in play; the walk is done when all of them answered. Nodes
   * with a known ID (seeds from earlier walks, then what answers bring) come before the bootstrap
   * routers: a warm walk asks the nodes nearest its target first and the routers with the slots
   * left, while a cold one has only the routers to ask.
   */
  const front = () => {
    const out: Candidate[] = [];
    for (const list of [ordered, unknown]) {
      for (const c of list) {
        if (out.length >= k) return out;
        if (c.state !== 'failed') out.push(c);
      }
    }
    return out;
  };

  return new Promise<WalkResult>((resolve) => {
    let inflight = 0;
    let finished = false;
    const finish = (converged: boolean) => {
      if (finished) return;
      finished = true;
      const sorted = [...responded].sort((a, b) => compareDistance(target, a.id, b.id));
      resolve({ target, nodeId: opts.nodeId, closest: sorted.slice(0, k), responded, book, queries, converged, silent });
    };
    const pump = () => {
      if (finished) return;
      const current = front();
      if (current.length > 0 && current.every((c) => c.state === 'done')) return finish(true);
      if (queries >= maxQueries) return inflight === 0 ? finish(false) : undefined;
      for (const c of current) {
        if (inflight >= concurrency || queries >= maxQueries) break;
        if (c.state !== 'new') continue;
        ask(c);
      }
      if (inflight === 0) finish(current.length > 0 && current.every((c) => c.state === 'done'));
    };
    const ask = (c: Candidate) => {
      c.state = 'pending';
      inflight++;
      queries++;
      if (c.id) opts.onAsk?.({ id: c.id, host: c.host, port: c.port });
      krpc.query(c, 'get_peers', { id: opts.nodeId, info_hash: target }).then(
        (r) => {
          inflight--;
          const reply = parseGetPeersReply(r);
          if (!reply) {
            c.state = 'failed';
            return pump();
          }
          c.state = 'done';
          if (c.id && !c.id.equals(reply.id)) noteAddress(book, c.host, c.port, c.id);
          setId(c, reply.id);
          noteAddress(book, c.host, c.port, reply.id);
          const node: WalkNode = { id: reply.id, host: c.host, port: c.port, values: reply.values, answerOrder: responded.length, answeredDecoyWithValues: reply.values.length > 0 };
          responded.push(node);
          for (const n of reply.nodes) consider(n, n.id);
          opts.onResponse?.(node);
          pump();
        },
        (err: unknown) => {
          inflight--;
          c.state = 'failed';
          silent.push({ host: c.host, port: c.port, why: err instanceof KrpcTimeoutError ? 'timed out' : err instanceof Error ? err.message : String(err) });
          pump();
        },
      );
    };
    pump();
  });
}

export interface GetPeersAnswer {
  node: NodeRecord;
  values: PeerAddress[];
}

/** One get_peers to one node; null when it did not answer or answered with another ID. */
export function getPeersOf(krpc: KrpcClient, node: NodeRecord, infoHash: Buffer, nodeId: Buffer): Promise<GetPeersAnswer | null> {
  return krpc.query(node, 'get_peers', { id: nodeId, info_hash: infoHash }).then(
    (r) => {
      const reply = parseGetPeersReply(r);
      return reply && reply.id.equals(node.id) ? { node, values: reply.values } : null;
    },
    () => null,
  );
}

/**
 * One get_peers to each given node (no walking on: the `nodes` they return are ignored, so the
 * hash reaches no one else). Answers come back in the order they arrived.
 */
export async function getPeersFrom(krpc: KrpcClient, nodes: readonly NodeRecord[], infoHash: Buffer, nodeId: Buffer): Promise<GetPeersAnswer[]> {
  const answers: GetPeersAnswer[] = [];
  await Promise.all(
    nodes.map((node) =>
      krpc.query(node, 'get_peers', { id: nodeId, info_hash: infoHash }).then(
        (r) => {
          const reply = parseGetPeersReply(r);
          if (reply && reply.id.equals(node.id)) answers.push({ node, values: reply.values });
        },
        () => {},
      ),
    ),
  );
  return answers;
}
