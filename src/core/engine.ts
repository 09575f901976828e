/**
 * One torrent: metadata (from the .torrent, the metadata cache or peers over ut_metadata), the
 * peers the privacy layer hands over (and only those: no DHT, trackers or PEX of our own, no
 * listening socket), resume from what is already on disk, the downloader, and read streams over
 * file ranges. It turns what happens on the wires into events and into verdicts for the privacy
 * layer: 'slow' (snubbing), 'no-pieces', and 'bad-data' only for a peer proven to have sent a bad
 * block. It writes file data under dataDir and `<infohash>.torrent` under metadataDir, nothing else.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { EventBus } from '../events.js';
import type { PeerAddress, PeerSession } from '../privacy/peer-source.js';
import { TorrentLiveError } from '../errors.js';
import { writeFileAtomicSync } from './atomic-file.js';
import { Downloader } from './downloader.js';
import type { PauseReason } from './piece-writer.js';
import type { SharedSpace } from './disk-space.js';
import { FileRangeStream, type PieceSource } from './file-reader.js';
import type { PieceGeometry } from './guarded-wire.js';
import { PeerDialer, SURPLUS_REASON } from './peer-dialer.js';
import { PeerLink } from './peer-wire.js';
import { PiecePicker } from './piece-picker.js';
import { PieceStore } from './piece-store.js';
import { parseMeta, type TorrentMeta } from './torrent-meta.js';
import { createTcpTransport } from '../transport/tcp.js';
import type { EncryptionPolicy } from '../transport/dial-plan.js';
import type { Transport } from '../transport/transport.js';

export const WATCHDOG_INTERVAL_MS = 2_000;
/** Candidates kept waiting for a free connection slot. */
export const MAX_CANDIDATES = 500;

export interface TorrentSessionOptions {
  infoHash: string;
  /** .torrent bytes when known; otherwise metadata comes from the cache or from peers. */
  torrentFile?: Buffer | undefined;
  /** Where file data goes (paths sanitised inside it). */
  dataDir: string;
  /** Where `<infohash>.torrent` is cached for resume. */
  metadataDir: string;
  maxPeers: number;
  freerider: boolean;
  peers: PeerSession;
  bus: EventBus;
  noPiecesTimeoutMs: number;
  /** Local address for outgoing peer TCP (--bind) when no transports are given. */
  bindAddress?: string | undefined;
  /** How peers are dialled (owned by the caller, shared by its sessions); default TCP from bindAddress. */
  transports?: readonly Transport[] | undefined;
  /** MSE/PE on outgoing connections (default prefer). */
  encryption?: EncryptionPolicy | undefined;
  now?: () => number;
  /** The store disk's free-space budget, shared by the torrents on it. */
  space?: SharedSpace | undefined;
  /** torrentFile as the caller already parsed it (it is not parsed again). */
  meta?: TorrentMeta | undefined;
  /** The caller already wrote torrentFile to the metadata folder (it is not written again). */
  torrentFileKept?: boolean | undefined;
}

export interface SessionFile {
  index: number;
  /** Store-relative, sanitised, '/'-separated. */
  name: string;
  length: number;
  offset: number;
}

export interface SessionStatus {
  infoHash: string;
  name: string | null;
  ready: boolean;
  length: number;
  downloaded: number;
  verifiedPieces: number;
  totalPieces: number;
  speed: number;
  peers: number;
  timeLeft: number | null;
  readHeadPiece: number | null;
  done: boolean;
  /** Why requests stopped ('disk full', 'store not writable', 'write failed'), or null. */
  paused: PauseReason | null;
}

/** A piece became readable; fromNetwork is false for pieces found on disk at start (resume). */
export type PieceListener = (piece: number, fromNetwork: boolean) => void;

export function metadataPath(metadataDir: string, infoHash: string): string {
  return path.join(metadataDir, `${infoHash}.torrent`);
}

export class TorrentSession {
  readonly infoHash: string;
  readonly ready: Promise<void>;
  #opts: TorrentSessionOptions;
  #now: () => number;
  #peerId = `2d544c303130302d${crypto.randomBytes(12).toString('hex')}`; // "-TL0100-" + random
  #meta: TorrentMeta | null = null;
  #metaBytes: Buffer | null = null;
  #geometry: PieceGeometry | null = null;
  #metaLoading = false;
  #store: PieceStore | null = null;
  #downloader: Downloader | null = null;
  #stored: Uint8Array | null = null;
  #storedCount = 0;
  #waiters = new Map<number, Array<{ resolve: () => void; reject: (err: Error) => void }>>();
  #lastHead: number | null = null;
  #links = new Map<string, PeerLink>();
  #openedAt = new Map<string, number>();
  #dropReason = new Map<string, string>();
  #dialer: PeerDialer;
  #ownTransports: Transport[] = [];
  #blockedHosts = new Set<string>();
  #pieceListeners = new Set<PieceListener>();
  #watchdog: NodeJS.Timeout;
  #resolveReady!: () => void;
  #rejectReady!: (err: Error) => void;
  #destroyed = false;
  #doneEmitted = false;
  #saidAlone = false;
  #everConnected = false;
  #unregisterSpace: (() => void) | undefined;

  constructor(opts: TorrentSessionOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.infoHash = opts.infoHash;
    this.ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.ready.catch(() => {});
    let transports = opts.transports;
    if (!transports) {
      this.#ownTransports = [createTcpTransport({ bindAddress: opts.bindAddress })];
      transports = this.#ownTransports;
    }
    this.#dialer = new PeerDialer({
      transports,
      encryption: opts.encryption ?? 'prefer',
      now: this.#now,
      // A seed-to-seed link is useless to both ends (libtorrent hangs up on it): done means no dialling.
      wantsMore: () => !this.#destroyed && !this.isDone() && this.#links.size < opts.maxPeers,
      makeLink: (req) =>
        new PeerLink({
          host: req.peer.host,
          port: req.peer.port,
          stream: req.stream,
          transport: req.transport,
          encryption: req.encryption,
          infoHash: this.infoHash,
          peerId: this.#peerId,
          metadata: this.#metaBytes ?? undefined,
          geometry: () => this.#geometry,
          onOpen: req.onOpen,
          onClose: req.onClose,
          onMetadata: (_l, torrent) => void this.#setMeta(torrent, false),
        }),
      opened: (link) => this.#onOpen(link),
      closed: (link, reason) => this.#onClose(link, reason),
      failed: (peer, reason, givenUp) => this.#onDialFailed(peer, reason, givenUp),
      banned: (peer, reason) => this.#onBanned(peer, reason),
    });
    opts.peers.on('peer', (p) => this.#candidate(p));
    opts.peers.on('drop', (p, reason) => this.#drop(p, reason));
    this.#watchdog = setInterval(() => this.#checkPeers(), WATCHDOG_INTERVAL_MS);
    this.#watchdog.unref();
    const cached = opts.torrentFile ?? readIfExists(metadataPath(opts.metadataDir, opts.infoHash));
    if (cached) void this.#setMeta(cached, !opts.torrentFile || opts.torrentFileKept === true, opts.torrentFile && opts.meta?.infoHash === opts.infoHash ? opts.meta : undefined);
  }

  get name(): string | null {
    return this.#meta?.name ?? null;
  }

  get files(): readonly SessionFile[] {
    return this.#meta?.files ?? [];
  }

  isReady(): boolean {
    return this.#stored !== null && this.#downloader !== null;
  }

  isDone(): boolean {
    return !!this.#meta && this.#storedCount === this.#meta.pieceCount;
  }

  /** Pieces fetched from peers in this run (resume tests count them). */
  get piecesDownloaded(): number {
    return this.#downloader?.piecesFromNetwork ?? 0;
  }

  /** Pieces that failed their hash check in this run. */
  get hashFailures(): number {
    return this.#downloader?.hashFailures ?? 0;
  }

  /** Called for each piece as it becomes readable; returns the unsubscribe. */
  onPiece(listener: PieceListener): () => void {
    this.#pieceListeners.add(listener);
    return () => this.#pieceListeners.delete(listener);
  }

  status(): SessionStatus {
    const meta = this.#meta;
    const length = meta?.length ?? 0;
    const downloaded = this.#storedBytes();
    const speed = this.#downloader?.speed() ?? 0;
    const remaining = length - downloaded;
    return {
      infoHash: this.infoHash,
      name: this.name,
      ready: this.isReady(),
      length,
      downloaded,
      verifiedPieces: this.#storedCount,
      totalPieces: meta?.pieceCount ?? 0,
      speed,
      peers: [...this.#links.values()].filter((l) => l.isOpen).length,
      timeLeft: remaining === 0 && meta ? 0 : speed > 0 ? Math.round(remaining / speed) : null,
      readHeadPiece: this.#lastHead,
      done: this.isDone(),
      paused: this.#downloader?.writer.paused ?? null,
    };
  }

  /** A byte range (inclusive end) of one file; reads wait for pieces, which are fetched first. */
  createReadStream(fileIndex: number, range?: { start: number; end: number }): Readable {
    const file = this.#meta?.files[fileIndex];
    if (!file || !this.isReady()) throw new TorrentLiveError('E_NOT_FOUND', `torrent ${this.infoHash} has no file ${fileIndex}`);
    const start = file.offset + (range?.start ?? 0);
    const end = file.offset + (range ? Math.min(range.end, file.length - 1) + 1 : file.length);
    return new FileRangeStream(this.#pieceSource(this.#meta!), start, Math.max(start, end));
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    clearInterval(this.#watchdog);
    this.#unregisterSpace?.();
    this.#opts.peers.stop();
    this.#downloader?.stop();
    this.#dialer.stop();
    for (const link of [...this.#links.values()]) link.close('shutdown');
    await Promise.all(this.#ownTransports.map((t) => t.close()));
    const closed = new TorrentLiveError('E_NOT_FOUND', `torrent ${this.infoHash} was removed`);
    for (const list of this.#waiters.values()) for (const w of list) w.reject(closed);
    this.#waiters.clear();
    this.#rejectReady(closed);
    await this.#store?.close();
  }

  // ---- metadata and start ------------------------------------------------------------------

  /** `fromCache`: the bytes are already in the metadata folder; `parsed`: they were parsed already. */
  async #setMeta(torrent: Uint8Array, fromCache: boolean, parsed?: TorrentMeta): Promise<void> {
    if (this.#metaLoading || this.#meta || this.#destroyed) return;
    this.#metaLoading = true;
    try {
      const meta = parsed ?? (await parseMeta(torrent, this.infoHash));
      if (this.#destroyed) return;
      if (!fromCache) {
        fs.mkdirSync(this.#opts.metadataDir, { recursive: true });
        // Atomic: a kill -9 mid-write must not leave a torn .torrent that a restart cannot parse.
        writeFileAtomicSync(metadataPath(this.#opts.metadataDir, this.infoHash), torrent);
      }
      this.#meta = meta;
      this.#metaBytes = Buffer.from(torrent);
      const lastPiece = meta.length - (meta.pieceCount - 1) * meta.pieceLength;
      this.#geometry = { pieceCount: meta.pieceCount, pieceLengthOf: (i) => (i === meta.pieceCount - 1 ? lastPiece : meta.pieceLength) };
      // The store resolves a path per file (50,000 in some torrents): a turn later, so it runs
      // while the add that brought the metadata waits for its library write, not before it.
      await new Promise((resolve) => setImmediate(resolve));
      if (this.#destroyed) return;
      const store = new PieceStore(meta, this.#opts.dataDir);
      this.#store = store;
      this.#stored = new Uint8Array(meta.pieceCount);
      const picker = new PiecePicker({ pieceCount: meta.pieceCount, pieceLength: meta.pieceLength, totalLength: meta.length, isHolding: (k) => downloader.isHolding(k) });
      await store.verifyExisting((p) => {
        picker.markHave(p);
        this.#markStored(p, false);
      });
      if (this.#destroyed) return;
      const downloader: Downloader = new Downloader({
        meta,
        store,
        picker,
        freerider: this.#opts.freerider,
        now: this.#now,
        onStored: (p, fromNetwork) => {
          this.#markStored(p, fromNetwork);
          downloader.announce(p);
        },
        onGuilty: (key) => this.#convict(key),
        onSnub: (link) => this.#opts.peers.report({ host: link.host, port: link.port }, 'slow'),
        onError: (message) => this.#opts.bus.emit('error', { message, code: 'E_STORE' }),
        space: this.#opts.space,
        onPause: (reason, detail) => this.#onPause(reason, detail),
        onResume: () => this.#opts.bus.emit('resumed', { infoHash: this.infoHash }),
      });
      this.#downloader = downloader;
      this.#unregisterSpace = this.#opts.space?.register(() => downloader.writer.promisedBytes());
      this.#resolveReady();
      this.#maybeDone();
      // Reads that waited for the metadata register their heads in the microtasks that follow;
      // handing out work a turn later lets their pieces go first.
      setImmediate(() => {
        for (const link of this.#links.values()) if (link.isOpen) downloader.addPeer(link);
      });
    } catch (err) {
      this.#metaLoading = false;
      const message = err instanceof Error ? err.message : String(err);
      if (!fromCache && this.#opts.torrentFile) this.#rejectReady(err instanceof TorrentLiveError ? err : new TorrentLiveError('E_STORE', `torrent ${this.infoHash}: ${message}`, { cause: err }));
      else this.#opts.bus.emit('warning', { message: `torrent ${this.infoHash}: metadata from a peer refused (${message})` });
    }
  }

  /** Reads waiting on pieces that are not on their way fail now (a 507 for a full disk), not never. */
  #onPause(reason: PauseReason, detail: string): void {
    this.#opts.bus.emit('paused', { infoHash: this.infoHash, reason, message: `torrent ${this.infoHash} paused: ${detail}` });
    for (const [piece, list] of this.#waiters) {
      if (this.#downloader?.writer.isUnderway(piece)) continue;
      this.#waiters.delete(piece);
      for (const w of list) w.reject(pausedError(this.infoHash, reason));
    }
  }

  #markStored(piece: number, fromNetwork: boolean): void {
    if (!this.#stored || this.#stored[piece]) return;
    this.#stored[piece] = 1;
    this.#storedCount++;
    const waiting = this.#waiters.get(piece);
    if (waiting) {
      this.#waiters.delete(piece);
      for (const w of waiting) w.resolve();
    }
    for (const l of this.#pieceListeners) l(piece, fromNetwork);
    this.#maybeDone();
  }

  #maybeDone(): void {
    if (this.#doneEmitted || !this.isReady() || !this.isDone()) return;
    this.#doneEmitted = true;
    this.#opts.bus.emit('done', { infoHash: this.infoHash });
  }

  #storedBytes(): number {
    const meta = this.#meta;
    if (!meta || !this.#stored) return 0;
    let bytes = this.#storedCount * meta.pieceLength;
    const last = meta.pieceCount - 1;
    if (this.#stored[last]) bytes -= meta.pieceLength - (meta.length - last * meta.pieceLength);
    return bytes;
  }

  #pieceSource(meta: TorrentMeta): PieceSource {
    return {
      pieceLength: meta.pieceLength,
      isStored: (p) => !!this.#stored?.[p],
      whenStored: (p) =>
        new Promise<void>((resolve, reject) => {
          if (this.#stored?.[p]) return resolve();
          if (this.#destroyed) return reject(new TorrentLiveError('E_NOT_FOUND', `torrent ${this.infoHash} was removed`));
          const writer = this.#downloader?.writer;
          if (writer?.paused && !writer.isUnderway(p)) return reject(pausedError(this.infoHash, writer.paused));
          const list = this.#waiters.get(p) ?? [];
          list.push({ resolve, reject });
          this.#waiters.set(p, list);
        }),
      read: (p, offset, length) => {
        const recent = this.#downloader?.readRecent(p, offset, length);
        return recent ? Promise.resolve(recent) : this.#store!.read(p, offset, length);
      },
      setHead: (id, piece, last) => {
        this.#lastHead = piece;
        this.#downloader?.picker.setHead(id, piece, last);
        this.#downloader?.kick();
      },
      removeHead: (id) => this.#downloader?.picker.removeHead(id),
    };
  }

  // ---- peers -------------------------------------------------------------------------------

  #candidate(p: PeerAddress): void {
    if (this.#destroyed || this.#blockedHosts.has(p.host)) return;
    this.#dialer.add(p);
  }

  #onOpen(link: PeerLink): void {
    if (this.#destroyed) return link.close('shutdown');
    // Dials run ahead of the target; one that completes with the swarm full waits for a free slot.
    if (this.#links.size >= this.#opts.maxPeers) return link.close(SURPLUS_REASON);
    this.#links.set(link.key, link);
    this.#openedAt.set(link.key, this.#now());
    this.#saidAlone = false;
    this.#everConnected = true;
    Downloader.greet(link, this.#downloader ? this.#stored : null, this.#storedCount);
    this.#opts.bus.emit('peer', { ip: link.host, port: link.port, infoHash: this.infoHash, state: 'connected', transport: link.transport, encryption: link.encryption });
    this.#opts.peers.report({ host: link.host, port: link.port }, 'connected', { transport: link.transport, encryption: link.encryption });
    this.#downloader?.addPeer(link);
  }

  #onClose(link: PeerLink, reason: string): void {
    if (this.#links.get(link.key) !== link) return;
    this.#links.delete(link.key);
    this.#downloader?.removePeer(link.key);
    if (this.#openedAt.delete(link.key)) {
      const why = this.#dropReason.get(link.key) ?? reason;
      this.#dropReason.delete(link.key);
      this.#opts.bus.emit('peer', { ip: link.host, port: link.port, infoHash: this.infoHash, state: 'dropped', reason: why });
      this.#opts.peers.report({ host: link.host, port: link.port }, 'closed');
    }
    if (this.#destroyed) return;
    this.#dialer.pump();
    this.#wantMore();
  }

  /** A dial or handshake that went nowhere: its slot is free at once, and the privacy layer may hand another. */
  #onDialFailed(peer: PeerAddress, reason: string, givenUp: boolean): void {
    if (this.#destroyed) return;
    this.#opts.peers.report(peer, 'unreachable', { reason, givenUp });
    this.#wantMore();
  }

  /** Broke the protocol (before or after opening): reported once, never dialled again. */
  #onBanned(peer: PeerAddress, reason: string): void {
    if (this.#destroyed) return;
    const key = `${peer.host}:${peer.port}`;
    if (!this.#links.has(key)) this.#opts.bus.emit('peer', { ip: peer.host, port: peer.port, infoHash: this.infoHash, state: 'dropped', reason: `protocol violation: ${reason}` });
    else this.#dropReason.set(key, `protocol violation: ${reason}`);
    this.#opts.peers.report(peer, 'protocol-violation', { reason });
    this.#wantMore();
  }

  /** Below target: ask the privacy layer for more; with nobody left, say so and look again. */
  #wantMore(): void {
    if (this.#destroyed || this.isDone()) return;
    const open = this.#links.size;
    if (open === 0 && !this.#saidAlone && this.#everConnected) {
      this.#saidAlone = true;
      this.#opts.bus.emit('warning', { message: `torrent ${this.infoHash}: no peer left; looking for new ones (a new DHT walk)` });
    }
    if (open < this.#opts.maxPeers && this.#dialer.dialing === 0 && !this.#dialer.hasDue()) this.#opts.peers.needMore();
  }

  #closeLink(link: PeerLink, reason: string): void {
    this.#dropReason.set(link.key, reason);
    link.close(reason);
  }

  #drop(p: { host: string; port?: number }, reason: string): void {
    this.#blockedHosts.add(p.host);
    this.#dialer.block({ host: p.host });
    for (const link of [...this.#links.values()]) if (link.host === p.host && (p.port === undefined || p.port === link.port)) this.#closeLink(link, reason);
  }

  /** Proven to have sent a bad block: tell the privacy layer, and stop talking to that host. */
  #convict(key: string): void {
    const link = this.#links.get(key);
    const [host, port] = splitAddress(key);
    this.#opts.peers.report({ host, port }, 'bad-data');
    this.#blockedHosts.add(host);
    this.#dialer.block({ host });
    if (link) this.#closeLink(link, 'bad-data');
  }

  /** Drops peers that hold a slot without ever sending a block, and asks for replacements. */
  #checkPeers(): void {
    // Paused, we ask nothing: a peer that sent nothing is not to blame.
    if (this.#destroyed || this.isDone() || this.#downloader?.writer.paused) return;
    const now = this.#now();
    for (const [key, since] of this.#openedAt) {
      const link = this.#links.get(key);
      if (!link || link.wire.downloaded > 0 || now - since < this.#opts.noPiecesTimeoutMs) continue;
      this.#opts.peers.report({ host: link.host, port: link.port }, 'no-pieces');
      this.#dialer.block({ host: link.host, port: link.port });
      this.#closeLink(link, 'no-pieces');
    }
    this.#wantMore();
  }
}

function pausedError(infoHash: string, reason: PauseReason): TorrentLiveError {
  return reason === 'disk full'
    ? new TorrentLiveError('E_DISK_FULL', `torrent ${infoHash}: this part is not downloaded and the store's disk is full; the download resumes when space is freed`)
    : new TorrentLiveError('E_STORE', `torrent ${infoHash}: this part is not downloaded and the store cannot be written (${reason})`);
}

function readIfExists(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function splitAddress(addr: string): [string, number] {
  const i = addr.lastIndexOf(':');
  return [addr.slice(0, i), Number(addr.slice(i + 1))];
}
