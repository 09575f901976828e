/**
 * The DHT nodes the private lookup has heard answer, kept across lookups and across runs
 * (dht-nodes.json in the store) so that a walk starts from nodes near its target instead of from
 * the routers: the second lookup of a session and the first after a restart start warm. Only
 * nodes that answered one of our walks with a valid ID are kept; a node that turns out a spy or
 * suspect is forgotten. Nothing here is ever sent the real infohash: seeds get the walk's decoy,
 * like any node the walk meets (docs/PRIVACY.md, "Warm start").
 */
import net from 'node:net';
import { compareDistance, ID_BYTES } from './node-id.js';
import type { CompactNode } from './compact.js';

/** Nodes remembered; the least recently heard are forgotten past this. */
export const NODE_BOOK_MAX = 1_000;
/**
 * A walk is seeded with this many remembered nodes closest to its target: enough to start a few
 * hops closer, few enough that after a long pause (most of them gone) the dead ones cannot fill
 * the walk's 16 query slots with 2 s waits (no RTT is known before the first answer).
 */
export const NODE_BOOK_SEEDS = 12;
/** dht-nodes.json larger than this is not ours (a 1,000-node book is about 90 KB). */
export const NODE_BOOK_FILE_MAX_BYTES = 1024 * 1024;
/** A remembered node not heard from for this long is not used: DHT nodes come and go within days. */
export const NODE_BOOK_MAX_AGE_MS = 7 * 24 * 3600_000;
export const NODE_BOOK_FILE = 'dht-nodes.json';

export interface BookNode extends CompactNode {
  /** When it last answered one of our walks (ms since the epoch). */
  seen: number;
}

export interface NodeBookState {
  /** The latest converged walk's network size estimate (0: none yet). */
  networkSize: number;
  nodes: BookNode[];
}

const keyOf = (n: { host: string; port: number }) => `${n.host}:${n.port}`;

export class NodeBook {
  /** Insertion order is recency: a node heard again moves to the end. */
  readonly #nodes = new Map<string, BookNode>();
  networkSize = 0;

  constructor(readonly max = NODE_BOOK_MAX) {}

  get size(): number {
    return this.#nodes.size;
  }

  /** Nodes that just answered a walk (with the ID they answered with). */
  learn(nodes: readonly CompactNode[], now: number): void {
    for (const n of nodes) {
      const k = keyOf(n);
      this.#nodes.delete(k);
      this.#nodes.set(k, { id: Buffer.from(n.id), host: n.host, port: n.port, seen: now });
    }
    for (const k of this.#nodes.keys()) {
      if (this.#nodes.size <= this.max) break;
      this.#nodes.delete(k);
    }
  }

  /** Nodes a walk asked that never answered: gone, or their NAT mapping expired. */
  forgetSilent(nodes: ReadonlyArray<{ host: string; port: number }>): void {
    for (const n of nodes) this.#nodes.delete(keyOf(n));
  }

  /** Every address of an IP that turned out a spy or suspect. */
  forget(ip: string): void {
    for (const [k, n] of this.#nodes) if (n.host === ip) this.#nodes.delete(k);
  }

  /** The `count` usable nodes closest to `target`, closest first. */
  closest(target: Uint8Array, count: number, opts: { now: number; exclude?: (ip: string) => boolean }): CompactNode[] {
    const usable = [...this.#nodes.values()].filter((n) => opts.now - n.seen <= NODE_BOOK_MAX_AGE_MS && !opts.exclude?.(n.host));
    return usable
      .sort((a, b) => compareDistance(target, a.id, b.id))
      .slice(0, count)
      .map((n) => ({ id: n.id, host: n.host, port: n.port }));
  }

  state(): NodeBookState {
    return { networkSize: this.networkSize, nodes: [...this.#nodes.values()] };
  }

  restore(state: NodeBookState): void {
    this.networkSize = state.networkSize;
    for (const n of state.nodes.slice(-this.max)) this.#nodes.set(keyOf(n), n);
  }
}

export function formatNodeBook(state: NodeBookState): string {
  return `${JSON.stringify({ version: 1, networkSize: Math.round(state.networkSize), nodes: state.nodes.map((n) => [n.id.toString('hex'), n.host, n.port, n.seen]) })}\n`;
}

/**
 * The state in a dht-nodes.json; anything malformed (a user's edit, a disk error) is skipped
 * entry by entry, and a file that is not ours at all gives an empty book: it is a cache.
 */
export function parseNodeBook(text: string, max = NODE_BOOK_MAX): NodeBookState {
  const empty: NodeBookState = { networkSize: 0, nodes: [] };
  if (text.length > NODE_BOOK_FILE_MAX_BYTES) return empty;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return empty;
  }
  if (typeof data !== 'object' || data === null || (data as { version?: unknown }).version !== 1) return empty;
  const { networkSize, nodes } = data as { networkSize?: unknown; nodes?: unknown };
  const out: BookNode[] = [];
  if (Array.isArray(nodes)) {
    for (const entry of nodes.slice(-max)) {
      if (!Array.isArray(entry) || entry.length !== 4) continue;
      const [id, host, port, seen] = entry as unknown[];
      if (typeof id !== 'string' || !new RegExp(`^[0-9a-f]{${ID_BYTES * 2}}$`).test(id)) continue;
      if (typeof host !== 'string' || net.isIP(host) === 0) continue;
      if (!Number.isInteger(port) || (port as number) <= 0 || (port as number) > 65535) continue;
      if (typeof seen !== 'number' || !Number.isFinite(seen)) continue;
      out.push({ id: Buffer.from(id, 'hex'), host, port: port as number, seen });
    }
  }
  const size = typeof networkSize === 'number' && Number.isFinite(networkSize) && networkSize > 0 ? networkSize : 0;
  return { networkSize: size, nodes: out };
}
