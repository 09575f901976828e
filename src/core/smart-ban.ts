/**
 * Blame for pieces that fail their hash check, in the spirit of libtorrent's smart ban: an honest
 * peer must never pay for a block another peer sent. A failed piece whose blocks all came from
 * one peer convicts that peer. Otherwise the ledger keeps a digest of every block each peer sent,
 * the piece is fetched again from a single peer, and once a copy passes, every peer whose
 * recorded block differs from the good one is convicted; nobody else is.
 * Pure: digests are computed by the caller (the hash is injected).
 */
export type Digest = (block: Uint8Array) => string;

/** A peer that sends several different bad copies of one block is still one culprit. */
const MAX_SENDERS_PER_BLOCK = 8;

export interface FailedPiece {
  /** Which peer sent each block of the attempt that failed (index = block). */
  senders: readonly string[];
  blocks: readonly Uint8Array[];
}

export class BlameLedger {
  #digest: Digest;
  /** piece -> block -> peer -> digest of what that peer sent. */
  #records = new Map<number, Map<number, Map<string, string>>>();

  constructor(digest: Digest) {
    this.#digest = digest;
  }

  /** Records a failed attempt; returns the peers it convicts outright (a sole contributor). */
  onFail(piece: number, attempt: FailedPiece): string[] {
    const contributors = new Set(attempt.senders);
    if (contributors.size === 1) return [...contributors];
    let record = this.#records.get(piece);
    if (!record) this.#records.set(piece, (record = new Map()));
    attempt.senders.forEach((peer, block) => {
      let byPeer = record.get(block);
      if (!byPeer) record.set(block, (byPeer = new Map()));
      if (byPeer.size < MAX_SENDERS_PER_BLOCK || byPeer.has(peer)) byPeer.set(peer, this.#digest(attempt.blocks[block]!));
    });
    return [];
  }

  /** True while a piece carries an unresolved failure: refetch it from one peer only. */
  needsSingleSource(piece: number): boolean {
    return this.#records.has(piece);
  }

  /** A copy of the piece passed: convict every peer whose recorded block differs from it. */
  onPass(piece: number, blocks: readonly Uint8Array[]): string[] {
    const record = this.#records.get(piece);
    if (!record) return [];
    this.#records.delete(piece);
    const guilty = new Set<string>();
    for (const [block, byPeer] of record) {
      const good = blocks[block];
      if (!good) continue;
      const goodDigest = this.#digest(good);
      for (const [peer, digest] of byPeer) if (digest !== goodDigest) guilty.add(peer);
    }
    return [...guilty];
  }

  /** A convicted peer's records no longer matter (it is gone); keeps the ledger small. */
  forget(peer: string): void {
    for (const [piece, record] of this.#records) {
      for (const byPeer of record.values()) byPeer.delete(peer);
      if ([...record.values()].every((m) => m.size === 0)) this.#records.delete(piece);
    }
  }

  get pendingPieces(): number {
    return this.#records.size;
  }
}
