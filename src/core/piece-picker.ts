/**
 * Which blocks to ask of which peer, for streaming: pieces under each open read (its critical
 * window) first, then pieces already started (memory stays bounded), then new pieces onward from
 * each read head, then the rest of the torrent; when nothing is left unrequested, end-game asks
 * a second peer for blocks still outstanding. A block counts as taken only while a peer that is
 * still delivering holds it, so a snubbing peer's requests free themselves at once. Pieces that
 * failed their hash check are refetched from a single peer (see smart-ban.ts).
 * Pure data structure: no sockets, no clock of its own.
 */
import { blockLength, blocksIn, BLOCK_BYTES, type BlockRef } from './blocks.js';

/** Bytes ahead of a read head that are time-critical (a few seconds of a high-bitrate video). */
export const CRITICAL_WINDOW_BYTES = 4 * 1024 * 1024;
export const MIN_CRITICAL_PIECES = 2;
/** Most peers a block is asked of at once (end-game, overdue critical blocks). */
export const MAX_REQUESTERS_PER_BLOCK = 2;
/** Pieces from a read head whose free blocks may push out a peer's less urgent requests. */
export const URGENT_PIECES = 2;
/**
 * Written pieces' buffers kept to carry the next ones, in bytes (at least one buffer): eight
 * buffers would be 128 MiB with 16 MiB pieces, held for the whole download.
 */
export const SPARE_BUFFER_BYTES = 8 * 1024 * 1024;

export interface PickerPeer {
  key: string;
  has(piece: number): boolean;
}

export interface ActivePiece {
  index: number;
  length: number;
  blockCount: number;
  received: Uint8Array;
  receivedCount: number;
  /** Peers with an outstanding request for each block. */
  requesters: string[][];
  /** When each block was last requested (ms, caller's clock). */
  requestedAt: Float64Array;
  /** Which peer sent each received block. */
  senders: string[];
  data: Buffer;
  /** Refetch from one peer only (a hash failure is unresolved); soloPeer is that peer. */
  soloOnly: boolean;
  soloPeer: string | null;
  verifying: boolean;
}

interface Head {
  piece: number;
  end: number;
  /** Every piece in [piece, scan) is had or active: where the search for a new piece resumes. */
  scan: number;
}

export interface ReceiveResult {
  status: 'partial' | 'complete' | 'unwanted';
  /** Other peers that were also asked for this block: cancel there. */
  alsoRequested: string[];
}

export class PiecePicker {
  readonly pieceCount: number;
  readonly pieceLength: number;
  readonly totalLength: number;
  readonly criticalPieces: number;
  readonly have: Uint8Array;
  readonly active = new Map<number, ActivePiece>();
  #heads = new Map<number, Head>();
  #backgroundScan = 0;
  /** Full-size piece buffers back from the store, reused: fewer large allocations for the GC to chase. */
  #spareBuffers: Buffer[] = [];
  #missing: number;
  /** Whether requests held by this peer still count (false for a snubbing peer). */
  #isHolding: (peer: string) => boolean;

  constructor(opts: { pieceCount: number; pieceLength: number; totalLength: number; isHolding?: (peer: string) => boolean }) {
    this.pieceCount = opts.pieceCount;
    this.pieceLength = opts.pieceLength;
    this.totalLength = opts.totalLength;
    this.criticalPieces = Math.max(MIN_CRITICAL_PIECES, Math.ceil(CRITICAL_WINDOW_BYTES / opts.pieceLength));
    this.have = new Uint8Array(opts.pieceCount);
    this.#missing = opts.pieceCount;
    this.#isHolding = opts.isHolding ?? (() => true);
  }

  pieceLengthOf(index: number): number {
    return Math.min(this.pieceLength, this.totalLength - index * this.pieceLength);
  }

  /** Marks a piece already verified on disk (resume). */
  markHave(index: number): void {
    if (this.have[index]) return;
    this.have[index] = 1;
    this.active.delete(index);
    this.#missing--;
  }

  get missing(): number {
    return this.#missing;
  }

  /** A read at `piece` that will go on to `end` (inclusive). */
  setHead(id: number, piece: number, end: number): void {
    const head = this.#heads.get(id);
    if (head && head.piece === piece && head.end === end) return;
    this.#heads.set(id, { piece, end, scan: head && head.piece <= piece && head.scan >= piece ? head.scan : piece });
  }

  removeHead(id: number): void {
    this.#heads.delete(id);
  }

  isCritical(piece: number): boolean {
    for (const h of this.#heads.values()) if (piece >= h.piece && piece < h.piece + this.criticalPieces && piece <= h.end) return true;
    return false;
  }

  /** The piece a read waits on now, and the next: worth cancelling less urgent requests for. */
  isUrgent(piece: number): boolean {
    for (const h of this.#heads.values()) if (piece >= h.piece && piece <= Math.min(h.end, h.piece + URGENT_PIECES - 1)) return true;
    return false;
  }

  /** Blocks of urgent pieces this peer has that nobody holds (up to `max`). */
  freeUrgentBlocks(peer: PickerPeer, max: number): number {
    let n = 0;
    for (const h of this.#heads.values()) {
      for (let p = h.piece; p <= Math.min(h.end, h.piece + URGENT_PIECES - 1, this.pieceCount - 1) && n < max; p++) {
        if (this.have[p] || !peer.has(p)) continue;
        const a = this.active.get(p);
        if (!a) {
          n += blocksIn(this.pieceLengthOf(p));
          continue;
        }
        if (a.verifying || (a.soloOnly && a.soloPeer !== null && a.soloPeer !== peer.key)) continue;
        for (let b = 0; b < a.blockCount; b++) if (!a.received[b] && !a.requesters[b]!.some((k) => this.#isHolding(k))) n++;
      }
    }
    return Math.min(n, max);
  }

  /** Pieces in some read's critical window that are not had yet, most urgent first. */
  criticalMissing(): number[] {
    const out: number[] = [];
    const seen = new Set<number>();
    // Every read's urgent pieces before any read's further window: with several reads (a player
    // probing the end of a file), one read's window must not starve another's next piece.
    for (const span of [URGENT_PIECES, this.criticalPieces]) {
      for (const h of this.#heads.values()) {
        const last = Math.min(h.end, h.piece + span - 1, this.pieceCount - 1);
        for (let p = h.piece; p <= last; p++) if (!this.have[p] && !seen.has(p)) (seen.add(p), out.push(p));
      }
    }
    return out;
  }

  /** Up to `max` blocks for this peer, marked as requested by it. */
  pick(peer: PickerPeer, max: number, now: number): BlockRef[] {
    const out: BlockRef[] = [];
    if (max <= 0) return out;
    for (const p of this.criticalMissing()) if (this.#takeFrom(p, peer, max, now, out)) return out;
    for (const p of this.active.keys()) if (this.#takeFrom(p, peer, max, now, out)) return out;
    for (const h of this.#heads.values()) {
      h.scan = this.#advance(h.scan);
      for (let p = h.scan; p <= Math.min(h.end, this.pieceCount - 1); p++) if (this.#takeFrom(p, peer, max, now, out)) return out;
    }
    this.#backgroundScan = this.#advance(this.#backgroundScan);
    for (let p = this.#backgroundScan; p < this.pieceCount; p++) if (this.#takeFrom(p, peer, max, now, out)) return out;
    if (out.length === 0 && this.#missing === this.active.size) this.#endGame(peer, max, now, out);
    return out;
  }

  /**
   * Time-critical: blocks in a critical window whose holders are all late get asked of this peer
   * too (libtorrent's deadline re-request). `isLate` judges a holder by its own pace.
   */
  pickOverdue(peer: PickerPeer, max: number, now: number, isLate: (holder: string, requestedAt: number) => boolean): BlockRef[] {
    const out: BlockRef[] = [];
    for (const p of this.criticalMissing()) {
      const a = this.active.get(p);
      if (!a || a.verifying || !peer.has(p) || (a.soloOnly && a.soloPeer !== null && a.soloPeer !== peer.key)) continue;
      for (let b = 0; b < a.blockCount && out.length < max; b++) {
        const holders = a.requesters[b]!;
        if (a.received[b] || holders.length === 0 || holders.includes(peer.key) || holders.length >= MAX_REQUESTERS_PER_BLOCK) continue;
        if (!holders.every((h) => !this.#isHolding(h) || isLate(h, a.requestedAt[b]!))) continue;
        holders.push(peer.key);
        a.requestedAt[b] = now;
        out.push({ piece: p, block: b });
      }
      if (out.length >= max) break;
    }
    return out;
  }

  /** A request ended without a block (rejected, choked, cancelled, timed out). */
  release(ref: BlockRef, peer: string): void {
    const a = this.active.get(ref.piece);
    const holders = a?.requesters[ref.block];
    if (!holders) return;
    const i = holders.indexOf(peer);
    if (i >= 0) holders.splice(i, 1);
  }

  /** Stores a block; a block nobody needs any more is reported 'unwanted' and dropped. */
  receive(ref: BlockRef, peer: string, block: Uint8Array): ReceiveResult {
    const a = this.active.get(ref.piece);
    if (!a || a.verifying || a.received[ref.block] || block.length !== blockLength(a.length, ref.block)) {
      if (a) this.release(ref, peer);
      return { status: 'unwanted', alsoRequested: [] };
    }
    a.data.set(block, ref.block * BLOCK_BYTES);
    a.received[ref.block] = 1;
    a.receivedCount++;
    a.senders[ref.block] = peer;
    const alsoRequested = a.requesters[ref.block]!.filter((k) => k !== peer);
    a.requesters[ref.block] = [];
    if (a.receivedCount < a.blockCount) return { status: 'partial', alsoRequested };
    a.verifying = true;
    return { status: 'complete', alsoRequested };
  }

  /** The piece passed its hash check. */
  passed(index: number): void {
    this.markHave(index);
  }

  /** The piece failed: start it over; `soloOnly` asks that one peer refetch all of it. */
  failed(index: number, soloOnly: boolean): void {
    const a = this.active.get(index);
    if (!a) return;
    a.received.fill(0);
    a.receivedCount = 0;
    a.senders = new Array<string>(a.blockCount).fill('');
    a.requesters = Array.from({ length: a.blockCount }, () => []);
    a.soloOnly = soloOnly;
    a.soloPeer = null;
    a.verifying = false;
    for (const h of this.#heads.values()) h.scan = Math.min(h.scan, index);
  }

  /** A verified piece's buffer, once written, can carry another piece. */
  recycle(data: Buffer): void {
    if (data.length === this.pieceLength && this.#spareBuffers.length < Math.max(1, Math.floor(SPARE_BUFFER_BYTES / this.pieceLength))) this.#spareBuffers.push(data);
  }

  /** A peer left: its requests free up, and a piece it was refetching alone may go to another. */
  dropPeer(peer: string): void {
    for (const a of this.active.values()) {
      for (const holders of a.requesters) {
        const i = holders.indexOf(peer);
        if (i >= 0) holders.splice(i, 1);
      }
      if (a.soloPeer === peer) a.soloPeer = null;
    }
  }

  /** A snubbing peer loses a piece it was refetching alone. */
  releaseSolo(peer: string): void {
    for (const a of this.active.values()) if (a.soloPeer === peer) a.soloPeer = null;
  }

  #advance(from: number): number {
    let p = from;
    while (p < this.pieceCount && (this.have[p] || this.active.has(p))) p++;
    return p;
  }

  #start(index: number): ActivePiece {
    const length = this.pieceLengthOf(index);
    const blockCount = blocksIn(length);
    const a: ActivePiece = {
      index,
      length,
      blockCount,
      received: new Uint8Array(blockCount),
      receivedCount: 0,
      requesters: Array.from({ length: blockCount }, () => []),
      requestedAt: new Float64Array(blockCount),
      senders: new Array<string>(blockCount).fill(''),
      data: (length === this.pieceLength && this.#spareBuffers.pop()) || Buffer.allocUnsafe(length),
      soloOnly: false,
      soloPeer: null,
      verifying: false,
    };
    this.active.set(index, a);
    return a;
  }

  /** Takes free blocks of one piece; true once `out` is full. */
  #takeFrom(index: number, peer: PickerPeer, max: number, now: number, out: BlockRef[]): boolean {
    if (index >= this.pieceCount || this.have[index] || !peer.has(index)) return false;
    const a = this.active.get(index) ?? this.#start(index);
    if (a.verifying) return false;
    if (a.soloOnly) {
      if (a.soloPeer !== null && a.soloPeer !== peer.key && this.#isHolding(a.soloPeer)) return false;
      a.soloPeer = peer.key;
    }
    for (let b = 0; b < a.blockCount; b++) {
      if (a.received[b]) continue;
      const holders = a.requesters[b]!;
      if (holders.includes(peer.key) || holders.some((h) => this.#isHolding(h))) continue;
      holders.push(peer.key);
      a.requestedAt[b] = now;
      out.push({ piece: index, block: b });
      if (out.length >= max) return true;
    }
    return false;
  }

  #endGame(peer: PickerPeer, max: number, now: number, out: BlockRef[]): void {
    const order = [...this.criticalMissing().filter((p) => this.active.has(p)), ...this.active.keys()];
    for (const p of order) {
      const a = this.active.get(p)!;
      if (a.verifying || a.soloOnly || !peer.has(p)) continue;
      for (let b = 0; b < a.blockCount; b++) {
        const holders = a.requesters[b]!;
        if (a.received[b] || holders.includes(peer.key) || holders.length >= MAX_REQUESTERS_PER_BLOCK) continue;
        holders.push(peer.key);
        a.requestedAt[b] = now;
        out.push({ piece: p, block: b });
        if (out.length >= max) return;
      }
    }
  }
}
