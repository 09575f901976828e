/**
 * Which of the peers vetted nodes returned the engine may connect to (docs/ARCHITECTURE.md, the private lookup, step 6): drop
 * blocklisted, spy and multi-port IPs and the first responders, then pick at random.
 */
import type { PeerAddress } from './peer-source.js';

export interface PeerOffer {
  peer: PeerAddress;
  /** Which node (host:port) returned it; offers arrive in the order nodes answered. */
  from: string;
}

export interface PeerChoiceRules {
  maxPeers: number;
  isBlocked: (ip: string) => boolean;
  /** Peers already handed out or refused for this torrent (host:port). */
  exclude?: ReadonlySet<string>;
  random: () => number;
}

export interface PeerChoice {
  chosen: PeerAddress[];
  /** Acceptable peers left over, for when the swarm needs more. */
  spare: PeerAddress[];
  dropped: Array<{ peer: PeerAddress; reason: 'blocklisted' | 'multi-port' | 'first-responder' }>;
}

const key = (p: PeerAddress) => `${p.host}:${p.port}`;

export function choosePeers(offers: readonly PeerOffer[], rules: PeerChoiceRules): PeerChoice {
  const unique = new Map<string, { peer: PeerAddress; sources: Set<string> }>();
  const portsByIp = new Map<string, Set<number>>();
  for (const { peer, from } of offers) {
    const entry = unique.get(key(peer)) ?? { peer, sources: new Set<string>() };
    entry.sources.add(from);
    unique.set(key(peer), entry);
    const ports = portsByIp.get(peer.host) ?? new Set<number>();
    ports.add(peer.port);
    portsByIp.set(peer.host, ports);
  }
  // Spies race to answer first; a peer only the fastest node vouches for is not trusted, unless
  // that node is the only one that had anything to say.
  const firstNode = offers[0]?.from;
  const otherNodesAnswered = offers.some((o) => o.from !== firstNode);
  const dropped: PeerChoice['dropped'] = [];
  const ok: PeerAddress[] = [];
  for (const { peer, sources } of unique.values()) {
    if (rules.exclude?.has(key(peer))) continue;
    if (rules.isBlocked(peer.host)) dropped.push({ peer, reason: 'blocklisted' });
    else if ((portsByIp.get(peer.host)?.size ?? 0) > 1) dropped.push({ peer, reason: 'multi-port' });
    else if (otherNodesAnswered && sources.size === 1 && sources.has(firstNode!)) dropped.push({ peer, reason: 'first-responder' });
    else ok.push(peer);
  }
  shuffle(ok, rules.random);
  return { chosen: ok.slice(0, rules.maxPeers), spare: ok.slice(rules.maxPeers), dropped };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
