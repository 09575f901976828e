/**
 * Vetting the nodes closest to a target (docs/ARCHITECTURE.md, the private lookup, step 3): pure rules over
 * what a walk recorded. Every verdict names its reason so the audit log can show the evidence.
 */
import { checkBep42 } from './bep42.js';
import { commonPrefixBits } from './node-id.js';
import { expectedPrefixBits } from './network-size.js';

export interface NodeRecord {
  id: Buffer;
  host: string;
  port: number;
  /** The node answered a get_peers for a decoy with `values`. */
  answeredDecoyWithValues?: boolean;
}

/** Every (port, id) each IP was seen with during walks, responders and node lists alike. */
export interface AddressBook {
  ports: Map<string, Set<number>>;
  ids: Map<string, Set<string>>;
}

export function newAddressBook(): AddressBook {
  return { ports: new Map(), ids: new Map() };
}

export function noteAddress(book: AddressBook, host: string, port: number, id?: Uint8Array): void {
  let ports = book.ports.get(host);
  if (!ports) book.ports.set(host, (ports = new Set()));
  ports.add(port);
  if (id) {
    let ids = book.ids.get(host);
    if (!ids) book.ids.set(host, (ids = new Set()));
    ids.add(Buffer.from(id).toString('hex'));
  }
}

/** How many distinct ports and node IDs an IP was seen with. */
export function addressCount(book: AddressBook, host: string): number {
  return Math.max(book.ports.get(host)?.size ?? 0, book.ids.get(host)?.size ?? 0);
}

export function isMultiAddress(book: AddressBook, host: string): boolean {
  return addressCount(book, host) > 1;
}

/**
 * Strong reasons list a node as a spy on their own. Weak ones (`close-id`, `two-addresses`) happen
 * to honest nodes now and then (docs/PRIVACY.md derives how often): they keep the node away from
 * the real infohash and make it a suspect; a second, different weak signal lists it.
 */
export type VetReason = 'decoy-values' | 'multi-port' | 'two-addresses' | 'sybil' | 'close-id' | 'dnsbl' | 'bep42' | 'known-spy' | 'blocklisted' | 'suspect';
export type WeakReason = 'close-id' | 'two-addresses';
export const WEAK_REASONS: ReadonlySet<VetReason> = new Set<WeakReason>(['close-id', 'two-addresses']);

export interface VetRules {
  /** The walk's estimate of network size (see network-size.ts). */
  networkSize: number;
  /**
   * Closer than log2(size) + this many bits to a target: kept from the real infohash and
   * suspected (weak). An honest node is that close in about 1 lookup in 2^margin.
   */
  sybilMarginBits?: number;
  /** Closer than log2(size) + this many bits: listed as a sybil (strong); see docs/PRIVACY.md. */
  sybilListMarginBits?: number;
  /** IPs already known as spies, blocklisted, or suspected from behaviour. */
  isKnownSpy?: (ip: string) => boolean;
  isBlocklisted?: (ip: string) => boolean;
  isSuspect?: (ip: string) => boolean;
  /** Weak signals earlier lookups recorded against an IP (the re-test of a suspect). */
  weakSignals?: (ip: string) => ReadonlySet<string>;
  /** IPs a DNSBL lists (looked up beforehand: vetting stays synchronous and pure). */
  dnsblListed?: ReadonlySet<string>;
  /**
   * BEP 42 is scored, not absolute: many honest clients still ignore it. A node whose ID breaks
   * it is dropped only when the vetted set would keep at least this many others.
   */
  bep42MinKeep?: number;
}

export const SYBIL_MARGIN_BITS = 6;
export const SYBIL_LIST_MARGIN_BITS = 13;
/** Seen with this many ports or node IDs: one IP playing several nodes, listed on its own. */
export const MULTI_ADDRESS_LIST = 3;
export const BEP42_MIN_KEEP = 8;

export interface VetDrop {
  node: NodeRecord;
  reasons: VetReason[];
  /** 'spy': listed; 'suspect': kept from the real infohash, re-tested by later lookups. */
  verdict: 'spy' | 'suspect' | 'excluded';
}

export interface VetResult {
  kept: NodeRecord[];
  dropped: VetDrop[];
  sybilThresholdBits: number;
  sybilListThresholdBits: number;
}

/** Sybil threshold in common-prefix bits, from the estimated network size. */
export function sybilThresholdBits(networkSize: number, marginBits = SYBIL_MARGIN_BITS): number {
  return expectedPrefixBits(networkSize) + marginBits;
}

const STRONG: ReadonlySet<VetReason> = new Set<VetReason>(['decoy-values', 'multi-port', 'sybil', 'dnsbl']);

/**
 * What the reasons add up to: a strong one lists the node, two different weak ones (now or
 * remembered from an earlier lookup) list it, one weak one makes it a suspect, and the rest
 * (already known, blocklisted, BEP 42) only keep it out.
 */
export function verdictOf(reasons: readonly VetReason[], earlierWeak: ReadonlySet<string> = new Set()): VetDrop['verdict'] {
  if (reasons.some((r) => STRONG.has(r))) return 'spy';
  const weak = new Set<string>([...reasons.filter((r) => WEAK_REASONS.has(r)), ...[...earlierWeak].filter((r) => WEAK_REASONS.has(r as VetReason))]);
  if (weak.size >= 2) return 'spy';
  return reasons.some((r) => WEAK_REASONS.has(r)) ? 'suspect' : 'excluded';
}

/** `targets`: the walk target and the real infohash; closeness to either counts. */
export function vetNodes(nodes: readonly NodeRecord[], targets: readonly Uint8Array[], book: AddressBook, rules: VetRules): VetResult {
  const threshold = sybilThresholdBits(rules.networkSize, rules.sybilMarginBits);
  const listThreshold = sybilThresholdBits(rules.networkSize, rules.sybilListMarginBits ?? SYBIL_LIST_MARGIN_BITS);
  const kept: NodeRecord[] = [];
  const dropped: VetDrop[] = [];
  const bep42Breakers: NodeRecord[] = [];
  for (const node of nodes) {
    const reasons: VetReason[] = [];
    if (node.answeredDecoyWithValues) reasons.push('decoy-values');
    const addresses = addressCount(book, node.host);
    if (addresses >= MULTI_ADDRESS_LIST) reasons.push('multi-port');
    else if (addresses === 2) reasons.push('two-addresses');
    const closest = Math.max(...targets.map((t) => commonPrefixBits(t, node.id)));
    if (closest > listThreshold) reasons.push('sybil');
    else if (closest > threshold) reasons.push('close-id');
    if (rules.dnsblListed?.has(node.host)) reasons.push('dnsbl');
    if (rules.isKnownSpy?.(node.host)) reasons.push('known-spy');
    if (rules.isBlocklisted?.(node.host)) reasons.push('blocklisted');
    if (rules.isSuspect?.(node.host)) reasons.push('suspect');
    if (reasons.length) dropped.push({ node, reasons, verdict: verdictOf(reasons, rules.weakSignals?.(node.host)) });
    else if (checkBep42(node.host, node.id) === 'invalid') bep42Breakers.push(node);
    else kept.push(node);
  }
  const minKeep = rules.bep42MinKeep ?? BEP42_MIN_KEEP;
  if (kept.length >= minKeep) for (const node of bep42Breakers) dropped.push({ node, reasons: ['bep42'], verdict: 'excluded' });
  else kept.push(...bep42Breakers);
  return { kept, dropped, sybilThresholdBits: threshold, sybilListThresholdBits: listThreshold };
}

/** Asks an injectable resolver about each IP; a failing lookup counts as not listed. */
export async function dnsblLookup(ips: Iterable<string>, isListed: (ip: string) => Promise<boolean>): Promise<Set<string>> {
  const listed = new Set<string>();
  await Promise.all(
    [...new Set(ips)].map(async (ip) => {
      if (await isListed(ip).catch(() => false)) listed.add(ip);
    }),
  );
  return listed;
}
