/**
 * Which of the peers vetted nodes returned the engine may connect to, and in what order
 * (docs/ARCHITECTURE.md, the private lookup, step 6; docs/PRIVACY.md). An honest peer's announce is stored on the ~8 nodes closest to the
 * infohash, so it comes back from several independent nodes; a peer a lone watcher injects comes
 * back from that node alone. Peers are therefore ranked by independent vouching before any
 * connection: distinct /24s first, then distinct nodes, then nodes that passed a decoy probe.
 * Peers only the fastest node named (spies race to answer first) and peers that turn up in an
 * abnormal number of our own lookups for different torrents are ranked down. Blocklisted, spy and
 * multi-port IPs are dropped outright.
 */
import net from 'node:net';
import type { PeerAddress } from './peer-source.js';

export interface PeerOffer {
  peer: PeerAddress;
  /** Which node (host:port) returned it; offers arrive in the order nodes answered. */
  from: string;
}

/** What is known about one peer when it is ranked. */
export interface PeerEvidence {
  peer: PeerAddress;
  /** Nodes (host:port) that returned it for the real infohash, across this torrent's lookups. */
  vouchers: ReadonlySet<string>;
  /** Vouchers that answered a decoy probe without values (today every node asked the real question). */
  probedVouchers: number;
  /** Only the first node to answer a lookup named it, while other nodes answered too. */
  firstResponderOnly: boolean;
  /** How many of our lookups for other infohashes returned it too. */
  otherLookups: number;
  /**
   * Rank (1 = closest) of its closest voucher among the clean nodes the latest walk heard, by
   * distance to the infohash; undefined before a round has ended.
   */
  closestVoucherRank?: number | undefined;
}

export type Tier = 'independent' | 'several-nodes' | 'single-node' | 'ranked-down';
const TIER_ORDER: Record<Tier, number> = { independent: 0, 'several-nodes': 1, 'single-node': 2, 'ranked-down': 3 };

/** Lookups for other torrents a peer may appear in before it is ranked down. */
export const CROSS_LOOKUP_LIMIT = 2;
/**
 * Peers vouched by several nodes that must be at hand before a single-node peer is never used:
 * with fewer, a torrent with one or two seeders would lose peers it may need. Short of them,
 * single-node peers stand in, up to this many in use at a time: the ones whose voucher is closest
 * to the infohash first (announces are stored on the closest nodes; a quiet watcher's only reason
 * to be asked is being among the 40 closest to the decoy), the next one only when one in use fails.
 */
export const MIN_VOUCHED_PEERS = 3;

export interface RankedPeer {
  peer: PeerAddress;
  tier: Tier;
  nodes: number;
  subnets: number;
  probed: number;
  /** Why it sits where it does, for audit.ndjson. */
  why: string;
  /** See PeerEvidence.closestVoucherRank. */
  voucherRank?: number | undefined;
}

/** The /24 of an IPv4 address (/48 of an IPv6 one): nodes one operator runs usually share it. */
export function subnetOf(ip: string): string {
  if (net.isIPv4(ip)) return ip.split('.').slice(0, 3).join('.');
  return ip.split(':').slice(0, 3).join(':');
}

const hostOf = (hostPort: string) => hostPort.slice(0, hostPort.lastIndexOf(':')).replace(/^\[|\]$/g, '');

export function rankPeer(e: PeerEvidence): RankedPeer {
  const ips = new Set([...e.vouchers].map(hostOf));
  const subnets = new Set([...ips].map(subnetOf)).size;
  const base: Tier = subnets >= 2 ? 'independent' : ips.size >= 2 ? 'several-nodes' : 'single-node';
  const downs: string[] = [];
  if (e.firstResponderOnly) downs.push('only the first node to answer named it');
  if (e.otherLookups > CROSS_LOOKUP_LIMIT) downs.push(`returned in ${e.otherLookups} lookups for other torrents`);
  const tier: Tier = downs.length ? 'ranked-down' : base;
  const near = e.closestVoucherRank !== undefined ? `, closest voucher ranked ${e.closestVoucherRank} from the infohash` : '';
  const why = `${ips.size} node(s) in ${subnets} /24(s), ${e.probedVouchers} passed a decoy probe${near}${downs.length ? `; ranked down: ${downs.join(', ')}` : ''}`;
  return { peer: e.peer, tier, nodes: ips.size, subnets, probed: e.probedVouchers, why, voucherRank: e.closestVoucherRank };
}

/** Better first: tier, then /24s, then nodes, then probed nodes, then the voucher nearest the infohash. */
export function compareRanked(a: RankedPeer, b: RankedPeer): number {
  return TIER_ORDER[a.tier] - TIER_ORDER[b.tier] || b.subnets - a.subnets || b.nodes - a.nodes || b.probed - a.probed || (a.voucherRank ?? Infinity) - (b.voucherRank ?? Infinity) || 0;
}

/**
 * Stand-ins (peers no two nodes vouch for) by their voucher's distance to the infohash first, then
 * as compareRanked: a holder of the announce that happened to answer first (ranked down for it)
 * still beats a node that is merely among the 40 closest to the decoy.
 */
export function compareStandIns(a: RankedPeer, b: RankedPeer): number {
  return (a.voucherRank ?? Infinity) - (b.voucherRank ?? Infinity) || compareRanked(a, b);
}

export const isVouched = (r: RankedPeer) => TIER_ORDER[r.tier] <= TIER_ORDER['several-nodes'];

export interface PeerChoiceRules {
  maxPeers: number;
  isBlocked: (ip: string) => boolean;
  /** Peers already handed out or refused for this torrent (host:port). */
  exclude?: ReadonlySet<string>;
  /** Vouched peers already in use, counted toward MIN_VOUCHED_PEERS. */
  vouchedInUse?: number;
  /** Single-node and ranked-down peers in use (standing in for vouched ones). */
  standInsInUse?: number;
  random: () => number;
}

export interface PeerChoice {
  chosen: RankedPeer[];
  /** Acceptable peers left over, best first, for when the swarm needs more. */
  spare: RankedPeer[];
  /** Single-node and ranked-down peers kept back while enough vouched ones exist. */
  held: RankedPeer[];
  dropped: Array<{ peer: PeerAddress; reason: 'blocklisted' | 'multi-port' }>;
}

const key = (p: PeerAddress) => `${p.host}:${p.port}`;

/** Evidence per peer from offers in answer order (one lookup's view, for tests and simple callers). */
export function evidenceFromOffers(offers: readonly PeerOffer[]): PeerEvidence[] {
  const unique = new Map<string, { peer: PeerAddress; vouchers: Set<string> }>();
  for (const { peer, from } of offers) {
    const entry = unique.get(key(peer)) ?? { peer, vouchers: new Set<string>() };
    entry.vouchers.add(from);
    unique.set(key(peer), entry);
  }
  const firstNode = offers[0]?.from;
  const othersAnswered = offers.some((o) => o.from !== firstNode);
  return [...unique.values()].map(({ peer, vouchers }) => ({
    peer,
    vouchers,
    probedVouchers: vouchers.size,
    firstResponderOnly: othersAnswered && vouchers.size === 1 && vouchers.has(firstNode!),
    otherLookups: 0,
  }));
}

export function choosePeers(evidence: readonly PeerEvidence[], rules: PeerChoiceRules): PeerChoice {
  const portsByIp = new Map<string, Set<number>>();
  for (const { peer } of evidence) portsByIp.set(peer.host, (portsByIp.get(peer.host) ?? new Set()).add(peer.port));
  const dropped: PeerChoice['dropped'] = [];
  const ok: RankedPeer[] = [];
  for (const e of evidence) {
    if (rules.exclude?.has(key(e.peer))) continue;
    if (rules.isBlocked(e.peer.host)) dropped.push({ peer: e.peer, reason: 'blocklisted' });
    else if ((portsByIp.get(e.peer.host)?.size ?? 0) > 1) dropped.push({ peer: e.peer, reason: 'multi-port' });
    else ok.push(rankPeer(e));
  }
  // Random within a rank, so no node can predict which of several equal peers we pick.
  shuffle(ok, rules.random);
  ok.sort(compareRanked);
  const vouched = ok.filter(isVouched);
  const vouchedAtHand = vouched.length + (rules.vouchedInUse ?? 0);
  const enough = vouchedAtHand >= MIN_VOUCHED_PEERS;
  const standIns = enough ? 0 : Math.max(0, MIN_VOUCHED_PEERS - vouchedAtHand - (rules.standInsInUse ?? 0));
  const weak = ok.filter((r) => !isVouched(r)).sort(compareStandIns);
  const usable = [...vouched, ...weak.slice(0, standIns)];
  const held = weak.slice(standIns);
  return { chosen: usable.slice(0, rules.maxPeers), spare: usable.slice(rules.maxPeers), held, dropped };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
