/**
 * The request side of the engine: keeps each unchoked peer's request queue at its measured
 * bandwidth-delay product, moves requests off peers that stop answering (lost requests after an
 * adaptive timeout, snubbing peers at once), asks a second, faster peer for time-critical blocks
 * that are late, verifies each piece, writes only good pieces, and blames a
 * failed piece only on the peer proven to have sent a bad block (smart-ban.ts). Optionally serves
 * requests (when not a freerider). Sockets are PeerLinks handed in by the session. Writes go
 * through piece-writer.ts: a new piece is requested only if the disk has room for it, and a
 * piece whose write failed is held in memory (never requested again) while requests pause.
 */
import crypto from 'node:crypto';
import BitField from 'bitfield';
import { BLOCK_BYTES, blockLength, type BlockRef } from './blocks.js';
import { PeerRate } from './peer-rate.js';
import { PiecePicker, type PickerPeer } from './piece-picker.js';
import { BlameLedger } from './smart-ban.js';
import type { PeerLink } from './peer-wire.js';
import type { PieceStore } from './piece-store.js';
import type { TorrentMeta } from './torrent-meta.js';
import type { SpaceGate } from './disk-space.js';
import { PieceWriter, type PauseReason } from './piece-writer.js';
import { RECENT_PIECE_BYTES, RecentPieces } from './recent-pieces.js';
import { PieceHasher } from './piece-hasher.js';

/** How often timeouts, snubs and late critical blocks are checked. */
export const TICK_MS = 100;
/** A critical block is late once its holder took this long, or 1.5x its usual time if longer. */
export const MIN_LATE_MS = 400;
/** Peers we upload to at once when not a freerider. */
export const UPLOAD_SLOTS = 4;
/** Largest block a peer may ask of us. */
const MAX_SERVED_REQUEST_BYTES = 128 * 1024;

interface Inflight {
  ref: BlockRef;
  sentAt: number;
}

interface PeerState {
  link: PeerLink;
  rate: PeerRate;
  inflight: Map<number, Inflight>;
  /** Start of the current wait: the last block, or the first request after an idle spell. */
  waitingSince: number;
  lastBlockAt: number;
  snubbed: boolean;
  picker: PickerPeer;
}

export interface DownloaderOptions {
  meta: TorrentMeta;
  store: PieceStore;
  picker: PiecePicker;
  freerider: boolean;
  now: () => number;
  /** A piece is verified and on disk. */
  onStored(piece: number, fromNetwork: boolean): void;
  /** A peer proven to have sent a bad block. */
  onGuilty(peerKey: string): void;
  /** A peer that stopped answering with requests outstanding. */
  onSnub(link: PeerLink): void;
  onError(message: string): void;
  /** The store disk's budget: a new piece is requested only if it fits. */
  space?: SpaceGate | undefined;
  /** Requests stopped (the disk is full, the store cannot be written); once per pause. */
  onPause?(reason: PauseReason, detail: string): void;
  /** Requests go on again. */
  onResume?(): void;
}

export class Downloader {
  readonly picker: PiecePicker;
  #opts: DownloaderOptions;
  #peers = new Map<string, PeerState>();
  #blame = new BlameLedger((b) => crypto.createHash('sha1').update(b).digest('hex'));
  #timer: NodeJS.Timeout;
  #blocksPerPiece: number;
  #uploading = new Set<string>();
  #stopped = false;
  readonly writer: PieceWriter;
  /** Pieces just written, still in memory for the streams reading right behind the download. */
  readonly #recent: RecentPieces;
  readonly #hasher = new PieceHasher();
  bytesFromNetwork = 0;
  piecesFromNetwork = 0;
  hashFailures = 0;

  constructor(opts: DownloaderOptions) {
    this.#opts = opts;
    this.picker = opts.picker;
    this.#blocksPerPiece = Math.ceil(opts.meta.pieceLength / BLOCK_BYTES);
    this.#recent = new RecentPieces(RECENT_PIECE_BYTES, (data) => this.picker.recycle(data));
    this.writer = new PieceWriter({
      store: opts.store,
      pieceLengthOf: (p) => this.picker.pieceLengthOf(p),
      heldData: (p) => this.picker.active.get(p)?.data,
      space: opts.space,
      now: opts.now,
      onWritten: (p, data) => this.#written(p, data),
      ...(opts.onPause ? { onPause: opts.onPause } : {}),
      onResume: () => {
        opts.onResume?.();
        this.#fillAll();
      },
      onError: opts.onError,
    });
    this.#timer = setInterval(() => this.#tick(), TICK_MS);
    this.#timer.unref();
  }

  get peerCount(): number {
    return this.#peers.size;
  }

  isHolding = (key: string): boolean => {
    const p = this.#peers.get(key);
    return !!p && !p.snubbed;
  };

  speed(): number {
    const now = this.#opts.now();
    let total = 0;
    for (const p of this.#peers.values()) total += p.rate.rate(now);
    return total;
  }

  downloadedFrom(key: string): number {
    return this.#peers.get(key)?.rate.totalBytes ?? 0;
  }

  addPeer(link: PeerLink): void {
    if (this.#stopped || this.#peers.has(link.key)) return;
    const wire = link.wire;
    const ps: PeerState = {
      link,
      rate: new PeerRate(),
      inflight: new Map(),
      waitingSince: 0,
      lastBlockAt: 0,
      snubbed: false,
      picker: { key: link.key, has: (i) => wire.peerPieces.get(i) },
    };
    this.#peers.set(link.key, ps);
    const refill = () => this.#fill(ps);
    wire.on('unchoke', refill);
    wire.on('have', () => this.#interest(ps));
    wire.on('bitfield', () => this.#interest(ps));
    wire.on('have-all', () => this.#interest(ps));
    wire.on('allowed-fast', refill);
    wire.on('choke', () => this.#onChoke(ps));
    if (!this.#opts.freerider) this.#serve(ps);
    this.#interest(ps);
  }

  removePeer(key: string): void {
    const ps = this.#peers.get(key);
    if (!ps) return;
    this.#peers.delete(key);
    this.#uploading.delete(key);
    ps.inflight.clear();
    this.picker.dropPeer(key);
    this.#fillAll();
  }

  /** Announces a piece we now have to every peer. */
  announce(piece: number): void {
    for (const p of this.#peers.values()) if (p.link.isOpen) p.link.wire.have(piece);
  }

  /** What a newly opened link is told we have: a bitfield, or BEP 6 have-none. */
  static greet(link: PeerLink, have: Uint8Array | null, count: number): void {
    const wire = link.wire;
    if (have && count > 0) {
      if (count === have.length && wire.hasFast) return wire.haveAll();
      const bits = new BitField(have.length);
      for (let i = 0; i < have.length; i++) if (have[i]) bits.set(i, true);
      wire.bitfield(bits);
    } else if (wire.hasFast) wire.haveNone();
  }

  /** New read heads or newly freed blocks: hand work out now rather than at the next tick. */
  kick(): void {
    this.#fillAll();
  }

  /** A copy of a range of a piece written moments ago, if it is still in memory. */
  readRecent(piece: number, offset: number, length: number): Buffer | undefined {
    return this.#recent.read(piece, offset, length);
  }

  stop(): void {
    this.#stopped = true;
    this.#recent.clear();
    this.#hasher.clear();
    this.writer.stop();
    clearInterval(this.#timer);
  }

  #interest(ps: PeerState): void {
    if (this.picker.missing > 0 && !ps.link.wire.amInterested) ps.link.wire.interested();
    this.#fill(ps);
  }

  #canRequest(ps: PeerState): boolean {
    const wire = ps.link.wire;
    return ps.link.isOpen && (!wire.peerChoking || (wire.hasFast && wire.peerAllowedFastSet.length > 0));
  }

  #fill(ps: PeerState): void {
    if (this.#stopped || !this.#canRequest(ps) || this.picker.missing === 0) return;
    const now = this.#opts.now();
    const depth = ps.snubbed ? 1 : ps.rate.queueDepth(now);
    const deficit = depth - ps.inflight.size;
    // Batching: each refill costs a pick and a socket write (the wire sends what one turn of the
    // loop asks as one chunk), so the queue refills once a quarter of it came back; three quarters
    // of three round trips still keep the pipe full.
    if (deficit <= 0 || (ps.inflight.size > 0 && deficit < Math.max(1, depth >> 2))) return;
    const wire = ps.link.wire;
    const choked = wire.peerChoking;
    const peer: PickerPeer = this.writer.restrict(choked ? { key: ps.picker.key, has: (i) => ps.picker.has(i) && wire.peerAllowedFastSet.includes(i) } : ps.picker);
    let refused = false;
    for (const ref of this.picker.pick(peer, deficit, now)) {
      if (this.writer.promise(ref.piece)) this.#send(ps, ref, now);
      else {
        this.picker.release(ref, ps.link.key);
        refused = true;
      }
    }
    if (refused) this.writer.outOfRoom();
  }

  #fillAll(): void {
    for (const ps of this.#peers.values()) this.#fill(ps);
  }

  #send(ps: PeerState, ref: BlockRef, now: number): void {
    const id = ref.piece * this.#blocksPerPiece + ref.block;
    const length = blockLength(this.picker.pieceLengthOf(ref.piece), ref.block);
    if (ps.inflight.size === 0) ps.waitingSince = now;
    const entry: Inflight = { ref, sentAt: now };
    ps.inflight.set(id, entry);
    ps.link.wire.request(ref.piece, ref.block * BLOCK_BYTES, length, (err, block) => {
      const mine = ps.inflight.get(id) === entry;
      if (mine) ps.inflight.delete(id);
      if (err || !block) {
        if (mine) this.picker.release(ref, ps.link.key);
        if (!this.#stopped && this.#peers.get(ps.link.key) === ps) this.#fill(ps);
        return;
      }
      this.#onBlock(ps, ref, block, entry.sentAt);
    });
  }

  #onBlock(ps: PeerState, ref: BlockRef, block: Uint8Array, sentAt: number): void {
    if (this.#stopped) return;
    const now = this.#opts.now();
    ps.rate.onBlock(now, block.length, now - sentAt);
    this.bytesFromNetwork += block.length;
    ps.lastBlockAt = now;
    ps.waitingSince = now;
    if (ps.snubbed) {
      ps.snubbed = false;
      ps.rate.restart();
    }
    const result = this.picker.receive(ref, ps.link.key, block);
    for (const other of result.alsoRequested) this.#cancelAt(other, ref);
    if (result.status === 'partial') this.#hasher.advance(ref.piece, this.picker.active.get(ref.piece)!);
    if (result.status === 'complete') void this.#verify(ref.piece);
    if (this.#peers.get(ps.link.key) === ps) this.#fill(ps);
  }

  #cancelAt(key: string, ref: BlockRef): void {
    const ps = this.#peers.get(key);
    if (!ps) return;
    const id = ref.piece * this.#blocksPerPiece + ref.block;
    if (!ps.inflight.has(id) || !ps.link.isOpen) return;
    ps.link.wire.cancel(ref.piece, ref.block * BLOCK_BYTES, blockLength(this.picker.pieceLengthOf(ref.piece), ref.block));
  }

  async #verify(index: number): Promise<void> {
    const a = this.picker.active.get(index);
    if (!a) return;
    // Mostly hashed already, block by block as they came (piece-hasher.ts); synchronous on purpose:
    // OpenSSL's SHA-1 runs at ~1.5 GB/s here, and webcrypto's digest costs the main thread more
    // than that in job setup and copies.
    const digest = this.#hasher.digest(index, a);
    const blocks = () => Array.from({ length: a.blockCount }, (_, b) => a.data.subarray(b * BLOCK_BYTES, b * BLOCK_BYTES + blockLength(a.length, b)));
    if (digest === this.#opts.meta.pieceHashes[index]) {
      // Blocks are cut out only for a piece that failed before (most pieces never did).
      const guilty = this.#blame.needsSingleSource(index) ? this.#blame.onPass(index, blocks()) : [];
      // false: the write failed and the piece waits in memory (never fetched again for that).
      const written = await this.writer.write(index, a.data);
      if (this.#stopped) return;
      if (written) this.#written(index, a.data);
      for (const key of guilty) this.#convict(key);
      if (!written) return;
    } else {
      this.hashFailures++;
      const guilty = this.#blame.onFail(index, { senders: a.senders, blocks: blocks() });
      this.picker.failed(index, this.#blame.needsSingleSource(index));
      for (const key of guilty) this.#convict(key);
    }
    this.#fillAll();
  }

  /** A verified piece is on disk. */
  #written(index: number, data: Buffer): void {
    this.picker.passed(index);
    this.#recent.add(index, data);
    this.piecesFromNetwork++;
    this.#opts.onStored(index, true);
    if (this.picker.missing === 0) for (const p of this.#peers.values()) if (p.link.isOpen) p.link.wire.uninterested();
  }

  #convict(key: string): void {
    this.#blame.forget(key);
    this.#opts.onGuilty(key);
  }

  #onChoke(ps: PeerState): void {
    // With BEP 6 a choke no longer voids requests by itself (the peer should reject them); we do
    // not wait for that: the blocks go back to the pool, and a late block is still taken.
    for (const { ref } of ps.inflight.values()) this.picker.release(ref, ps.link.key);
    ps.inflight.clear();
    ps.rate.restart();
    this.#fillAll();
  }

  #tick(): void {
    if (this.#stopped || this.picker.missing === 0) return;
    const now = this.#opts.now();
    this.writer.tick(now);
    this.#hasher.retain((p) => this.picker.active.has(p));
    for (const ps of this.#peers.values()) {
      if (ps.inflight.size === 0) continue;
      if (!ps.snubbed && now - ps.waitingSince > ps.rate.snubAfterMs()) {
        ps.snubbed = true;
        ps.rate.restart();
        this.picker.releaseSolo(ps.link.key);
        this.#opts.onSnub(ps.link);
        continue;
      }
      const timeout = ps.rate.requestTimeoutMs();
      for (const [id, entry] of ps.inflight) {
        if (now - entry.sentAt < timeout) break;
        // Lost only if the peer answered something since: otherwise the snub rule speaks.
        if (ps.lastBlockAt <= entry.sentAt) break;
        ps.inflight.delete(id);
        this.picker.release(entry.ref, ps.link.key);
        ps.link.wire.cancel(entry.ref.piece, entry.ref.block * BLOCK_BYTES, blockLength(this.picker.pieceLengthOf(entry.ref.piece), entry.ref.block));
      }
    }
    this.#rescueLate(now);
    for (const ps of this.#peers.values()) this.#makeRoomForUrgent(ps, now);
    this.#fillAll();
  }

  /**
   * A peer serves requests in order, so a seek would wait behind everything already asked of it:
   * when the pieces a read waits on have free blocks this peer could send, its newest requests
   * outside every read's critical window are cancelled to make room (they go back to the pool).
   */
  #makeRoomForUrgent(ps: PeerState, now: number): void {
    if (ps.snubbed || !this.#canRequest(ps) || ps.link.wire.peerChoking) return;
    const depth = ps.rate.queueDepth(now);
    const urgent = this.picker.freeUrgentBlocks(ps.picker, depth);
    let excess = urgent - (depth - ps.inflight.size);
    if (excess <= 0) return;
    for (const [id, entry] of [...ps.inflight].reverse()) {
      if (excess <= 0) break;
      // Only requests no read needs soon (a seek left them behind): cancelling blocks a read is
      // about to reach would waste what is already on its way.
      if (this.picker.isCritical(entry.ref.piece)) continue;
      ps.inflight.delete(id);
      this.picker.release(entry.ref, ps.link.key);
      ps.link.wire.cancel(entry.ref.piece, entry.ref.block * BLOCK_BYTES, blockLength(this.picker.pieceLengthOf(entry.ref.piece), entry.ref.block));
      excess--;
    }
  }

  /** Late time-critical blocks are asked again of the fastest other peers that have them. */
  #rescueLate(now: number): void {
    if (this.picker.criticalMissing().length === 0) return;
    const isLate = (holder: string, requestedAt: number) => {
      const h = this.#peers.get(holder);
      if (!h || h.snubbed) return true;
      const usual = h.rate.latencyMs() ?? 1_000;
      return now - requestedAt > Math.max(MIN_LATE_MS, 1.5 * usual);
    };
    const fastest = [...this.#peers.values()].filter((p) => !p.snubbed && this.#canRequest(p) && !p.link.wire.peerChoking).sort((a, b) => b.rate.rate(now) - a.rate.rate(now));
    for (const ps of fastest) {
      const refs = this.picker.pickOverdue(ps.picker, 16, now, isLate);
      for (const ref of refs) this.#send(ps, ref, now);
    }
  }

  #serve(ps: PeerState): void {
    const wire = ps.link.wire;
    wire.on('interested', () => {
      if (this.#uploading.size < UPLOAD_SLOTS) {
        this.#uploading.add(ps.link.key);
        wire.unchoke();
      }
    });
    wire.on('uninterested', () => {
      this.#uploading.delete(ps.link.key);
      wire.choke();
    });
    wire.on('request', (index: number, offset: number, length: number, respond: (err: Error | null, block?: Uint8Array) => void) => {
      const pieceLength = index < this.picker.pieceCount ? this.picker.pieceLengthOf(index) : 0;
      if (!this.picker.have[index] || length > MAX_SERVED_REQUEST_BYTES || offset + length > pieceLength) return respond(new Error('not served'));
      this.#opts.store.read(index, offset, length).then((b) => respond(null, b), (err: Error) => respond(err));
    });
  }
}
