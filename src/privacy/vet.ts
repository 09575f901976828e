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

export function isMultiAddress(book: AddressBook, host: string): boolean {
  return (book.ports.get(host)?.size ?? 0) > 1 || (book.ids.get(host)?.size ?? 0) > 1;
}

export type VetReason = 'decoy-values' | 'multi-port' | 'sybil' | 'dnsbl' | 'bep42' | 'known-spy' | 'blocklisted' | 'suspect';

export interface VetRules {
  /** The walk's estimate of network size (see network-size.ts). */
  networkSize: number;
  /**
   * A node sharing more than log2(size) + this many bits with the target is abnormally close:
   * among N honest nodes about 2^-margin are expected that close, so 6 bits costs ~1.6% of one
   * honest node per walk.
   */
  sybilMarginBits?: number;
  /** IPs already known as spies, blocklisted, or suspected from behaviour. */
  isKnownSpy?: (ip: string) => boolean;
  isBlocklisted?: (ip: string) => boolean;
  isSuspect?: (ip: string) => boolean;
  /** IPs a DNSBL lists (looked up beforehand: vetting stays synchronous and pure). */
  dnsblListed?: ReadonlySet<string>;
  /**
   * BEP 42 is scored, not absolute: many honest clients still ignore it. A node whose ID breaks
   * it is dropped only when the vetted set would keep at least this many others.
   */
  bep42MinKeep?: number;
}

export const SYBIL_MARGIN_BITS = 6;
export const BEP42_MIN_KEEP = 8;

export interface VetResult {
  kept: NodeRecord[];
  dropped: Array<{ node: NodeRecord; reasons: VetReason[] }>;
  sybilThresholdBits: number;
}

/** Sybil threshold in common-prefix bits, from the estimated network size. */
export function sybilThresholdBits(networkSize: number, marginBits = SYBIL_MARGIN_BITS): number {
  return expectedPrefixBits(networkSize) + marginBits;
}

/** `targets`: the walk target and the real infohash; closeness to either counts. */
export function vetNodes(nodes: readonly NodeRecord[], targets: readonly Uint8Array[], book: AddressBook, rules: VetRules): VetResult {
  const threshold = sybilThresholdBits(rules.networkSize, rules.sybilMarginBits);
  const kept: NodeRecord[] = [];
  const dropped: VetResult['dropped'] = [];
  const bep42Breakers: NodeRecord[] = [];
  for (const node of nodes) {
    const reasons: VetReason[] = [];
    if (node.answeredDecoyWithValues) reasons.push('decoy-values');
    if (isMultiAddress(book, node.host)) reasons.push('multi-port');
    if (targets.some((t) => commonPrefixBits(t, node.id) > threshold)) reasons.push('sybil');
    if (rules.dnsblListed?.has(node.host)) reasons.push('dnsbl');
    if (rules.isKnownSpy?.(node.host)) reasons.push('known-spy');
    if (rules.isBlocklisted?.(node.host)) reasons.push('blocklisted');
    if (rules.isSuspect?.(node.host)) reasons.push('suspect');
    if (reasons.length) dropped.push({ node, reasons });
    else if (checkBep42(node.host, node.id) === 'invalid') bep42Breakers.push(node);
    else kept.push(node);
  }
  const minKeep = rules.bep42MinKeep ?? BEP42_MIN_KEEP;
  if (kept.length >= minKeep) for (const node of bep42Breakers) dropped.push({ node, reasons: ['bep42'] });
  else kept.push(...bep42Breakers);
  return { kept, dropped, sybilThresholdBits: threshold };
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
