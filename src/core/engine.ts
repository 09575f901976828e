/**
 * One torrent: torrent-stream does metadata (ut_metadata), piece choice under the read head,
 * verification, storage and resume; this class keeps it DHT-free (peers come only from the
 * PeerSession), freerider by default (never unchoke, so requests are ignored; no listening
 * socket), sanitises store paths, and turns what happens on the wires into events and verdicts.
 */
import path from 'node:path';
import fs from 'node:fs';
import torrentStream, { type TorrentStreamEngine, type TorrentStreamWire } from 'torrent-stream';
import FSChunkStore from 'fs-chunk-store';
import type { Readable } from 'node:stream';
import type { EventBus } from '../events.js';
import type { PeerSession } from '../privacy/peer-source.js';
import bencode from 'bencode';
import { resolveInStore, safeRelativePath, torrentFilePaths, type RawInfoNames } from './store-paths.js';
import { TorrentLiveError } from '../errors.js';

export const WATCHDOG_INTERVAL_MS = 2_000;

export interface TorrentSessionOptions {
  infoHash: string;
  /** .torrent bytes when known; otherwise metadata comes from peers. */
  torrentFile?: Buffer | undefined;
  /** Where file data goes (the store's downloads tree): torrent names resolve only inside it. */
  dataDir: string;
  /** Where `<infohash>.torrent` is kept for resume (the store's state tree). */
  metadataDir: string;
  maxPeers: number;
  freerider: boolean;
  peers: PeerSession;
  bus: EventBus;
  noPiecesTimeoutMs: number;
  now?: () => number;
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
}

export class TorrentSession {
  readonly infoHash: string;
  /** Indexes of pieces that came from the network in this run (resume tests read it). */
  readonly piecesFromNetwork: number[] = [];
  readonly ready: Promise<void>;
  #engine: TorrentStreamEngine;
  #opts: TorrentSessionOptions;
  #verified = new Set<number>();
  #files: SessionFile[] = [];
  /** Downloads-relative paths from the raw info dictionary (store-paths.ts torrentFilePaths). */
  #filePaths: string[] = [];
  #openStreams = new Set<{ _piece: number }>();
  #lastStream: { _piece: number } | null = null;
  #connectedAt = new Map<TorrentStreamWire, number>();
  #watchdog: NodeJS.Timeout;
  /** True while we block a peer ourselves: torrent-stream's 'blocking' then reports our own act. */
  #blockingOurselves = false;
  #destroyed = false;
  #doneEmitted = false;

  constructor(opts: TorrentSessionOptions) {
    this.#opts = opts;
    this.infoHash = opts.infoHash;
    const dataDir = path.resolve(opts.dataDir);
    const metadataDir = path.resolve(opts.metadataDir);
    fs.mkdirSync(metadataDir, { recursive: true });
    if (opts.torrentFile) fs.writeFileSync(path.join(metadataDir, `${opts.infoHash}.torrent`), opts.torrentFile);

    this.#engine = torrentStream(opts.torrentFile ?? `magnet:?xt=urn:btih:${opts.infoHash}`, {
      dht: false,
      tracker: false,
      path: dataDir,
      // torrent-stream keeps its metadata cache at <tmp>/<name>/<infohash>.torrent.
      tmp: path.dirname(metadataDir),
      name: path.basename(metadataDir),
      connections: opts.maxPeers,
      uploads: opts.freerider ? 0 : 4,
      storage: (pieceLength, { files }) => {
        // Runs inside torrent-stream's constructor when the .torrent is given (this.#engine is not
        // assigned yet), later from metadata otherwise; either way the raw info is known here.
        const info = opts.torrentFile ? (bencode.decode(opts.torrentFile) as { info?: RawInfoNames }).info : this.#engine.metadata ? (bencode.decode(this.#engine.metadata) as RawInfoNames) : undefined;
        this.#filePaths = info ? torrentFilePaths(info) : files.map((f) => safeRelativePath(path.relative(dataDir, f.path)));
        return FSChunkStore(pieceLength, {
          files: files.map((f, i) => ({ ...f, path: resolveInStore(dataDir, this.#filePaths[i] ?? '_') })),
        });
      },
    });
    this.#engine.setMaxListeners(0);
    this.#wirePeers();
    this.ready = new Promise((resolve, reject) => {
      this.#engine.once('ready', () => {
        this.#onReady();
        resolve();
      });
      this.#engine.once('error', (err: Error) => reject(new TorrentLiveError('E_STORE', `torrent ${this.infoHash}: ${err.message}`, { cause: err })));
    });
    this.ready.catch(() => {});
    this.#engine.on('verify', (index: number) => {
      this.#verified.add(index);
      this.#maybeDone();
    });
    this.#engine.on('download', (index: number) => this.piecesFromNetwork.push(index));
    this.#watchdog = setInterval(() => this.#checkPeers(), WATCHDOG_INTERVAL_MS);
    this.#watchdog.unref();
  }

  #now(): number {
    return (this.#opts.now ?? Date.now)();
  }

  #wirePeers(): void {
    const { peers, bus } = this.#opts;
    peers.on('peer', (p) => {
      if (!this.#destroyed) this.#engine.connect(`${p.host}:${p.port}`);
    });
    peers.on('drop', (p, reason) => {
      for (const wire of [...this.#engine.swarm.wires]) {
        const [host, port] = splitAddress(wire.peerAddress);
        if (host === p.host && (p.port === undefined || p.port === port)) this.#dropWire(wire, reason);
      }
      this.#block(`${p.host}:${p.port ?? 0}`);
    });
    this.#engine.on('wire', (wire: TorrentStreamWire) => {
      const [host, port] = splitAddress(wire.peerAddress);
      this.#connectedAt.set(wire, this.#now());
      bus.emit('peer', { ip: host, port, infoHash: this.infoHash, state: 'connected' });
      peers.report({ host, port }, 'connected');
      wire.once('close', () => {
        this.#connectedAt.delete(wire);
        bus.emit('peer', { ip: host, port, infoHash: this.infoHash, state: 'dropped', reason: 'closed' });
        peers.report({ host, port }, 'closed');
        if (!this.#destroyed && this.#engine.swarm.wires.length < this.#opts.maxPeers) peers.needMore();
      });
    });
    this.#engine.on('timeout', (wire: TorrentStreamWire) => {
      const [host, port] = splitAddress(wire.peerAddress);
      peers.report({ host, port }, 'slow');
    });
    this.#engine.on('blocking', (addr: string) => {
      // torrent-stream emits 'blocking' for our own blocks too; only its hash-failure blocks are news.
      if (this.#blockingOurselves) return;
      const [host, port] = splitAddress(addr);
      peers.report({ host, port }, 'bad-data');
    });
  }

  #dropWire(wire: TorrentStreamWire, reason: string): void {
    const [host, port] = splitAddress(wire.peerAddress);
    this.#opts.bus.emit('peer', { ip: host, port, infoHash: this.infoHash, state: 'dropped', reason });
    this.#block(wire.peerAddress);
  }

  /** torrent-stream blocks by IP (every port of it), which is what a spy deserves. */
  #block(addr: string): void {
    // engine.block emits 'blocking' synchronously, so a flag around the call is enough.
    this.#blockingOurselves = true;
    try {
      this.#engine.block(addr);
    } finally {
      this.#blockingOurselves = false;
    }
  }

  /** Drops peers that hold a slot without ever sending a block, and asks for replacements. */
  #checkPeers(): void {
    if (this.#destroyed || this.isDone()) return;
    const now = this.#now();
    for (const [wire, since] of this.#connectedAt) {
      if (wire.downloaded > 0 || now - since < this.#opts.noPiecesTimeoutMs) continue;
      const [host, port] = splitAddress(wire.peerAddress);
      this.#opts.peers.report({ host, port }, 'no-pieces');
      this.#connectedAt.delete(wire);
      this.#dropWire(wire, 'no-pieces');
    }
    if (this.#engine.swarm.wires.length < this.#opts.maxPeers) this.#opts.peers.needMore();
  }

  #onReady(): void {
    const torrent = this.#engine.torrent!;
    this.#files = torrent.files.map((f, index) => ({ index, name: this.#filePaths[index] ?? safeRelativePath(f.path), length: f.length, offset: f.offset }));
    // The whole torrent downloads in the background; open streams get priority over it. One
    // selection for all pieces: one per file makes every verified piece scan n selections.
    if (torrent.pieces.length > 0) this.#engine.select(0, torrent.pieces.length - 1, false);
    this.#maybeDone();
  }

  get name(): string | null {
    return this.#engine.torrent?.name ?? null;
  }

  get files(): readonly SessionFile[] {
    return this.#files;
  }

  isReady(): boolean {
    return this.#engine.torrent !== null && this.#files.length > 0;
  }

  isDone(): boolean {
    const t = this.#engine.torrent;
    return !!t && this.#verified.size === t.pieces.length;
  }

  #maybeDone(): void {
    if (this.#doneEmitted || !this.isReady() || !this.isDone()) return;
    this.#doneEmitted = true;
    this.#opts.bus.emit('done', { infoHash: this.infoHash });
  }

  #verifiedBytes(): number {
    const t = this.#engine.torrent;
    if (!t) return 0;
    let bytes = this.#verified.size * t.pieceLength;
    if (this.#verified.has(t.pieces.length - 1)) bytes -= t.pieceLength - t.lastPieceLength;
    return bytes;
  }

  status(): SessionStatus {
    const t = this.#engine.torrent;
    const length = t?.length ?? 0;
    const downloaded = this.#verifiedBytes();
    const speed = this.#engine.swarm.downloadSpeed();
    const remaining = length - downloaded;
    return {
      infoHash: this.infoHash,
      name: this.name,
      ready: this.isReady(),
      length,
      downloaded,
      verifiedPieces: this.#verified.size,
      totalPieces: t?.pieces.length ?? 0,
      speed,
      peers: this.#engine.swarm.wires.length,
      timeLeft: remaining === 0 ? 0 : speed > 0 ? Math.round(remaining / speed) : null,
      readHeadPiece: this.#lastStream ? this.#lastStream._piece : null,
      done: this.isDone(),
    };
  }

  /** A byte range of one file; reads wait for pieces, and the pieces under the read go first. */
  createReadStream(fileIndex: number, range?: { start: number; end: number }): Readable {
    const file = this.#engine.files[fileIndex];
    if (!file) throw new TorrentLiveError('E_NOT_FOUND', `torrent ${this.infoHash} has no file ${fileIndex}`);
    const stream = file.createReadStream(range ? { start: range.start, end: range.end } : undefined);
    this.#openStreams.add(stream);
    this.#lastStream = stream;
    stream.once('close', () => this.#openStreams.delete(stream));
    stream.once('end', () => this.#openStreams.delete(stream));
    return stream;
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    clearInterval(this.#watchdog);
    this.#opts.peers.stop();
    await new Promise<void>((resolve) => this.#engine.destroy(() => resolve()));
  }
}

function splitAddress(addr: string): [string, number] {
  const i = addr.lastIndexOf(':');
  return [addr.slice(0, i), Number(addr.slice(i + 1))];
}
