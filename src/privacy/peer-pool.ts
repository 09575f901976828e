/**
 * One torrent's peers as the private lookup knows them: who vouched for each (across lookups),
 * which were handed to the engine, which are connected, which were condemned, and which wait as
 * spares. It decides what to hand next (peer-choice.ts ranks); the session does the I/O.
 */
import { choosePeers, compareStandIns, isVouched, MIN_VOUCHED_PEERS, rankPeer, type PeerEvidence, type RankedPeer } from './peer-choice.js';
import type { PeerAddress } from './peer-source.js';

/**
 * Peers handed beyond the engine's target: most addresses a DHT returns are gone or behind NAT, so
 * the engine dials many at once and keeps the ones that answer (MAX_HALF_OPEN in the engine).
 */
export const DIAL_AHEAD = 64;

/** Peers remembered across torrents for the cross-lookup count; the oldest are forgotten past this. */
export const PEER_LOOKUPS_MAX = 50_000;

interface Evidence {
  peer: PeerAddress;
  vouchers: Set<string>;
  /** Some lookup's first values-answer named it alone while others answered too. */
  firstOnly: boolean;
}

export const peerKey = (p: PeerAddress) => `${p.host}:${p.port}`;

/** A peer in use that the pool gives up, and why (for audit.ndjson). */
export type Retired = RankedPeer & { because: string };

export interface PeerPoolOptions {
  infoHash: string;
  maxPeers: () => number;
  isBlocked: (ip: string) => boolean;
  random: () => number;
  /** Which of our torrents each peer was returned for, shared by every torrent of the run. */
  peerLookups: Map<string, Set<string>>;
  /** Candidates handed beyond maxPeers for the engine to dial at once (default DIAL_AHEAD). */
  dialAhead?: number;
}

export class PeerPool {
  readonly #opts: PeerPoolOptions;
  readonly #evidence = new Map<string, Evidence>();
  readonly #handed = new Map<string, RankedPeer>();
  readonly #connected = new Set<string>();
  readonly #condemned = new Set<string>();
  /** Handed, but the engine's latest attempt found nobody there: neither pending nor in use. */
  readonly #unreachable = new Set<string>();
  /** Handed, and the engine has stopped trying it: a stand-in's place is free only then (a failed RC4 dial is followed by a plaintext one). */
  readonly #givenUp = new Set<string>();
  #spare: RankedPeer[] = [];
  /** Rank of each node (host:port) by distance to the infohash, the best any round's end gave it. */
  #holderRanks = new Map<string, number>();
  /** Single-node peers wait for a round's end (vouched ones may still be on their way); after it, they may replace failed ones at once. */
  #roundEnded = false;

  constructor(opts: PeerPoolOptions) {
    this.#opts = opts;
  }

  /** A node (host:port) answered the real get_peers with these peers. */
  absorb(values: readonly PeerAddress[], from: string): void {
    const lookups = this.#opts.peerLookups;
    for (const peer of values) {
      const k = peerKey(peer);
      const e = this.#evidence.get(k) ?? { peer: { host: peer.host, port: peer.port }, vouchers: new Set<string>(), firstOnly: false };
      e.vouchers.add(from);
      this.#evidence.set(k, e);
      const seenFor = lookups.get(k) ?? new Set<string>();
      lookups.delete(k);
      lookups.set(k, seenFor.add(this.#opts.infoHash));
      if (lookups.size > PEER_LOOKUPS_MAX) lookups.delete(lookups.keys().next().value!);
    }
  }

  /** The lookup is over: peers only its first answering node named are ranked down. */
  markFirstResponder(firstFrom: string): void {
    for (const e of this.#evidence.values()) if (e.vouchers.size === 1 && e.vouchers.has(firstFrom)) e.firstOnly = true;
  }

  /**
   * A round's clean nodes, closest to the infohash first: stand-ins named by closer nodes go first.
   * A node keeps the best rank any round gave it, so one that is silent in a later round does not
   * make the peer it named look far.
   */
  setHolderRanks(closestFirst: readonly string[]): void {
    closestFirst.forEach((node, i) => this.#holderRanks.set(node, Math.min(i + 1, this.#holderRanks.get(node) ?? Infinity)));
  }

  vouchersOf(peer: PeerAddress): string[] {
    return [...(this.#evidence.get(peerKey(peer))?.vouchers ?? [])];
  }

  #asEvidence(e: Evidence): PeerEvidence {
    let closest: number | undefined;
    if (this.#holderRanks.size) {
      // A voucher no round counted among its clean nodes ranks after them all.
      for (const v of e.vouchers) closest = Math.min(closest ?? Infinity, this.#holderRanks.get(v) ?? this.#holderRanks.size + 1);
    }
    return {
      closestVoucherRank: closest,
      peer: e.peer,
      vouchers: e.vouchers,
      // Only vetted nodes that answered every probe decoy cleanly are ever asked the real question.
      probedVouchers: e.vouchers.size,
      firstResponderOnly: e.firstOnly,
      otherLookups: (this.#opts.peerLookups.get(peerKey(e.peer))?.size ?? 1) - 1,
    };
  }

  #evidenceList(): PeerEvidence[] {
    return [...this.#evidence.values()].map((e) => this.#asEvidence(e));
  }

  /**
   * Nodes whose word no longer counts (the final vetting dropped a node asked early, or a node
   * turned out a spy or suspect): their vouching is withdrawn. Returns the peers in use that this
   * leaves with no voucher at all, or single-node while enough vouched peers exist; they are
   * condemned here, for the session to drop.
   */
  revoke(isRevoked: (voucher: string) => boolean): RankedPeer[] {
    const lost: RankedPeer[] = [];
    for (const [k, e] of this.#evidence) {
      const before = e.vouchers.size;
      for (const v of e.vouchers) if (isRevoked(v)) e.vouchers.delete(v);
      if (e.vouchers.size === before) continue;
      if (e.vouchers.size === 0) this.#spare = this.#spare.filter((r) => peerKey(r.peer) !== k);
      const handed = this.#handed.get(k);
      if (!handed || this.#condemned.has(k)) continue;
      const now = rankPeer(this.#asEvidence(e));
      this.#handed.set(k, now);
      if (e.vouchers.size === 0 || (!isVouched(now) && isVouched(handed))) lost.push(now);
    }
    if (!lost.length) return [];
    const enough = this.#vouchedInUse() >= MIN_VOUCHED_PEERS;
    const drop = lost.filter((r) => r.nodes === 0 || enough);
    for (const r of drop) this.condemn(r.peer);
    return drop;
  }

  #vouchedInUse(): number {
    return [...this.#handed].filter(([k, r]) => isVouched(r) && !this.#condemned.has(k) && !this.#unreachable.has(k)).length;
  }

  /** Single-node peers handed and neither refused nor given up by the engine (host:port). */
  #standInsInUse(): string[] {
    return [...this.#handed].filter(([k, r]) => !isVouched(r) && !this.#condemned.has(k) && !this.#givenUp.has(k)).map(([k]) => k);
  }

  /** Handed but neither connected, unreachable nor refused yet. */
  #pending(): number {
    return [...this.#handed.keys()].filter((k) => !this.#connected.has(k) && !this.#condemned.has(k) && !this.#unreachable.has(k)).length;
  }

  /** How many more the engine can take now: its target plus the dials it runs ahead. */
  #budget(): number {
    return Math.max(0, this.#opts.maxPeers() + (this.#opts.dialAhead ?? DIAL_AHEAD) - this.#connected.size - this.#pending());
  }

  /**
   * What to hand the engine now. While the first round's answers stream in, only vouched peers; from
   * its end single-node peers too, but only while fewer than MIN_VOUCHED_PEERS vouched ones exist,
   * and no more of them in use than vouched ones are missing.
   * `retire`: single-node peers in use that enough vouched peers now replace (dropped first), or that
   * a stand-in named by a node nearer the infohash replaces.
   */
  next(streaming: boolean): { hand: RankedPeer[]; retire: Retired[] } {
    const choice = choosePeers(this.#evidenceList(), {
      maxPeers: this.#budget(),
      isBlocked: this.#opts.isBlocked,
      exclude: new Set([...this.#handed.keys(), ...this.#condemned]),
      vouchedInUse: this.#vouchedInUse(),
      standInsInUse: this.#standInsInUse().length,
      random: this.#opts.random,
    });
    if (!streaming) this.#roundEnded = true;
    const hand = streaming && !this.#roundEnded ? choice.chosen.filter(isVouched) : choice.chosen;
    for (const r of hand) this.#handed.set(peerKey(r.peer), r);
    if (streaming) return { hand, retire: [] };
    this.#spare = choice.spare;
    const retire: Retired[] = [];
    if (this.#vouchedInUse() >= MIN_VOUCHED_PEERS) {
      for (const [k, r] of this.#handed) {
        if (isVouched(r) || this.#condemned.has(k)) continue;
        this.condemn(r.peer);
        retire.push({ ...r, because: 'replaced by vouched peers' });
      }
      return { hand, retire };
    }
    // A later round may hear stand-ins named by nodes nearer the infohash than the ones in use (a
    // holder that was silent the first time): the farthest in use makes way for each.
    const inUse = this.#standInsInUse()
      .map((k) => rankPeer(this.#asEvidence(this.#evidence.get(k)!)))
      .sort(compareStandIns);
    for (const better of choice.held) {
      const worst = inUse.at(-1);
      if (!worst || compareStandIns(better, worst) >= 0) break;
      inUse.pop();
      this.condemn(worst.peer);
      retire.push({ ...worst, because: 'replaced by a stand-in named by a node nearer the infohash' });
      this.#handed.set(peerKey(better.peer), better);
      hand.push(better);
    }
    return { hand, retire };
  }

  /** Spares for an engine whose swarm fell short; empty when none are left. */
  fromSpare(): RankedPeer[] {
    const out: RankedPeer[] = [];
    while (this.#spare.length && this.#budget() > 0) {
      const r = this.#spare.shift()!;
      if (this.#opts.isBlocked(r.peer.host) || this.#handed.has(peerKey(r.peer))) continue;
      this.#handed.set(peerKey(r.peer), r);
      out.push(r);
    }
    return out;
  }

  get spareLeft(): number {
    return this.#spare.length;
  }

  /** Drops spares whose IP became blocked (a spy found later). */
  pruneSpare(): void {
    this.#spare = this.#spare.filter((r) => !this.#opts.isBlocked(r.peer.host));
  }

  handedTo(ip: string): boolean {
    return [...this.#handed.values()].some((r) => r.peer.host === ip);
  }

  connected(peer: PeerAddress): void {
    this.#unreachable.delete(peerKey(peer));
    this.#givenUp.delete(peerKey(peer));
    this.#connected.add(peerKey(peer));
  }

  /** The engine's attempt failed (it may still retry it later, which reports connected then). */
  unreachable(peer: PeerAddress, givenUp = true): void {
    const k = peerKey(peer);
    if (givenUp && this.#handed.has(k) && !this.#connected.has(k)) this.#givenUp.add(k);
    if (this.#handed.has(k) && !this.#connected.has(k)) this.#unreachable.add(k);
  }

  /** A connection ended: the slot is free (the engine may redial it later and report connected). */
  closed(peer: PeerAddress): void {
    const k = peerKey(peer);
    this.#connected.delete(k);
    if (this.#handed.has(k)) this.#unreachable.add(k);
  }

  /** Never handed again; false when it already was condemned. */
  condemn(peer: PeerAddress): boolean {
    const k = peerKey(peer);
    this.#connected.delete(k);
    if (this.#condemned.has(k)) return false;
    this.#condemned.add(k);
    return true;
  }
}
