/**
 * The torrents the service holds. It resolves sources, starts one TorrentSession per infohash
 * (adding the same one twice returns the first), publishes progress on the event bus, and is the
 * Catalog that the API and media-center adapters read. With a Library, every torrent started is
 * recorded in the store's state and comes back at the next start; removing one forgets it there.
 */
import fs from 'node:fs/promises';
import { mimeTypeOfName } from './mime-of-name.js';
import { TorrentLiveError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { PeerSession, PeerSource } from '../privacy/peer-source.js';
import type { Catalog, CatalogFile, CatalogTorrent } from './catalog.js';
import { metadataPath, TorrentSession, type SessionStatus } from './engine.js';
import type { StoreLayout } from './store-layout.js';
import type { EncryptionPolicy } from '../transport/dial-plan.js';
import type { Transport } from '../transport/transport.js';
import { writeFileAtomicSync } from './atomic-file.js';
import { deleteTorrentData, type DeletedData } from './delete-data.js';
import { describeFsError } from './fs-errors.js';
import type { Library } from './library.js';
import type { SharedSpace } from './disk-space.js';
import { resolveSource, resolveTorrentBytes, type SourceReader, type TorrentSource } from './sources.js';

export interface TorrentManagerOptions {
  store: StoreLayout;
  /** Local address for outgoing peer TCP (--bind) when no transports are given. */
  bindAddress?: string | undefined;
  /** How peers are dialled, shared by every torrent (default: TCP from bindAddress). */
  transports?: readonly Transport[] | undefined;
  /** MSE/PE on outgoing connections (default prefer). */
  encryption?: EncryptionPolicy | undefined;
  maxPeers: number;
  freerider: boolean;
  noPiecesTimeoutMs: number;
  progressIntervalMs: number;
  peerSource: PeerSource;
  bus: EventBus;
  reader: SourceReader;
  /** Addresses the privacy layer kept away from or dropped for this torrent. */
  spiesBlocked?: (infoHash: string) => number;
  /** The store's list of torrents: what is started is recorded, what is removed forgotten. */
  library?: Library;
  /** The store disk's free-space budget, shared by every torrent. */
  space?: SharedSpace;
}

export interface StartOptions {
  /** Record it in the library (default true); the demo's loopback torrent is not worth keeping. */
  remember?: boolean;
}

export interface RemoveOptions {
  /** Also delete the torrent's files inside downloads/ (default: they stay). */
  deleteFiles?: boolean;
}

export interface TorrentView extends CatalogTorrent, Omit<SessionStatus, 'name'> {
  spiesBlocked: number;
  /** DHT nodes the latest lookup reached, when the peer source says (0: no network). */
  dhtNodes?: number;
}

/** Base URLs (loopback, LAN address, a TV's view) whose file views a session keeps. */
const FILE_VIEW_BASES = 4;

export function mimeFor(name: string): string {
  return mimeTypeOfName(name) ?? 'application/octet-stream';
}

/** Video by its name's MIME type (mime knows mkv, avi, ts, wmv, flv...). */
export function isVideoName(name: string): boolean {
  return mimeFor(name).startsWith('video/');
}

export function streamUrl(baseUrl: string, infoHash: string, fileIndex: number): string {
  return `${baseUrl.replace(/\/$/, '')}/stream/${infoHash}/${fileIndex}`;
}

export class TorrentManager implements Catalog {
  #sessions = new Map<string, TorrentSession>();
  #peerSessions = new Map<string, PeerSession>();
  #fileViewCache = new WeakMap<TorrentSession, Map<string, CatalogFile[]>>();
  #opts: TorrentManagerOptions;
  #timer: NodeJS.Timeout;
  #updateId = 1;
  /** Library writes under way, per infohash: an API add answers once its torrent is on disk. */
  #saving = new Map<string, Promise<void>>();

  constructor(opts: TorrentManagerOptions) {
    this.#opts = opts;
    this.#timer = setInterval(() => this.#publishProgress(), opts.progressIntervalMs);
    this.#timer.unref();
  }

  get updateId(): number {
    return this.#updateId;
  }

  spiesBlocked(infoHash: string): number | undefined {
    return this.#opts.spiesBlocked?.(infoHash);
  }

  dhtNodes(infoHash: string): number | undefined {
    return this.#peerSessions.get(infoHash.toLowerCase())?.dhtNodes?.();
  }

  session(infoHash: string): TorrentSession | undefined {
    return this.#sessions.get(infoHash.toLowerCase());
  }

  sessions(): TorrentSession[] {
    return [...this.#sessions.values()];
  }

  async add(sourceText: string): Promise<CatalogTorrent> {
    const source = await resolveSource(sourceText, this.#opts.reader);
    const session = this.start(source);
    await this.saved(session.infoHash);
    return this.view(session, '');
  }

  async addTorrentBytes(bytes: Buffer, label = 'uploaded .torrent'): Promise<TorrentSession> {
    const session = this.start(await resolveTorrentBytes(bytes, label, this.#opts.reader));
    await this.saved(session.infoHash);
    return session;
  }

  /** Resolves once the library write that records this torrent is done (or has failed and been reported). */
  saved(infoHash: string): Promise<void> {
    return this.#saving.get(infoHash.toLowerCase()) ?? Promise.resolve();
  }

  /** Starts every torrent the library lists, in the order they were added. */
  restore(): TorrentSession[] {
    return (this.#opts.library?.entries() ?? []).map((entry) => this.start({ kind: 'infohash', infoHash: entry.infoHash, ...(entry.name ? { name: entry.name } : {}), original: entry.infoHash }, { remember: false }));
  }

  start(source: TorrentSource, opts: StartOptions = {}): TorrentSession {
    const existing = this.#sessions.get(source.infoHash);
    if (existing) {
      if (opts.remember !== false) this.#remember(source);
      return existing;
    }
    const { bus } = this.#opts;
    let torrentFileKept = false;
    if (opts.remember !== false) {
      // The .torrent goes to disk before the library names it, so a restart never finds an
      // uploaded torrent listed without its metadata.
      if (source.torrentFile) torrentFileKept = this.#keepTorrentFile(source);
      this.#remember(source);
    }
    const peers = this.#opts.peerSource.start(source.infoHash);
    this.#peerSessions.set(source.infoHash, peers);
    const session = new TorrentSession({
      infoHash: source.infoHash,
      torrentFile: source.torrentFile,
      dataDir: this.#opts.store.downloadsDir,
      metadataDir: this.#opts.store.metadataDir,
      bindAddress: this.#opts.bindAddress,
      transports: this.#opts.transports,
      encryption: this.#opts.encryption,
      maxPeers: this.#opts.maxPeers,
      freerider: this.#opts.freerider,
      peers,
      bus,
      noPiecesTimeoutMs: this.#opts.noPiecesTimeoutMs,
      space: this.#opts.space,
      meta: source.meta,
      torrentFileKept,
    });
    this.#sessions.set(source.infoHash, session);
    this.#updateId++;
    session.ready.then(
      () => {
        this.#updateId++;
        bus.emit('metadata', {
          infoHash: session.infoHash,
          name: session.name ?? source.infoHash,
          files: session.files.map((f) => ({ index: f.index, name: f.name, length: f.length, url: `/stream/${session.infoHash}/${f.index}` })),
          fileCount: session.files.length,
        });
      },
      (err: unknown) => bus.emit('error', { message: err instanceof Error ? err.message : String(err), code: 'E_STORE' }),
    );
    return session;
  }

  /**
   * Stops a torrent and forgets it: out of the library, its kept .torrent deleted, and with
   * `deleteFiles` its data inside downloads/ (files another loaded torrent names stay).
   */
  async remove(infoHash: string, opts: RemoveOptions = {}): Promise<DeletedData | undefined> {
    const session = this.#sessions.get(infoHash.toLowerCase());
    if (!session) throw new TorrentLiveError('E_NOT_FOUND', `no torrent ${infoHash} is loaded`);
    const files = session.files.map((f) => f.name);
    this.#sessions.delete(session.infoHash);
    this.#peerSessions.delete(session.infoHash);
    this.#updateId++;
    await session.destroy();
    try {
      await this.#opts.library?.remove(session.infoHash);
      await fs.rm(metadataPath(this.#opts.store.metadataDir, session.infoHash), { force: true });
    } catch (err) {
      throw new TorrentLiveError('E_STORE', `torrent ${session.infoHash} was stopped but not forgotten: ${describeFsError(err, this.#opts.store.stateDir)}`, { cause: err });
    }
    if (!opts.deleteFiles) return undefined;
    const others = [...this.#sessions.values()].flatMap((other) => other.files.map((f) => f.name));
    try {
      return await deleteTorrentData(this.#opts.store.downloadsDir, files, others);
    } catch (err) {
      throw new TorrentLiveError('E_STORE', `torrent ${session.infoHash} was forgotten but its files were not all deleted: ${describeFsError(err, this.#opts.store.downloadsDir)}`, { cause: err });
    }
  }

  #remember(source: TorrentSource): void {
    const library = this.#opts.library;
    if (!library || library.has(source.infoHash)) return;
    const entry = { infoHash: source.infoHash, addedAt: new Date().toISOString(), ...(source.name ? { name: source.name } : {}) };
    const write = library.add(entry).catch((err: unknown) => {
      // The torrent runs; only its return after a restart is at risk, and the next change retries.
      this.#opts.bus.emit('warning', { message: `torrent ${source.infoHash} runs but will not come back after a restart: ${(err as Error).message}`, code: 'E_STORE' });
    });
    this.#saving.set(source.infoHash, write);
    void write.finally(() => {
      if (this.#saving.get(source.infoHash) === write) this.#saving.delete(source.infoHash);
    });
  }

  /** Whether the .torrent is now in the metadata folder. */
  #keepTorrentFile(source: TorrentSource): boolean {
    const target = metadataPath(this.#opts.store.metadataDir, source.infoHash);
    try {
      writeFileAtomicSync(target, source.torrentFile!);
      return true;
    } catch (err) {
      this.#opts.bus.emit('warning', { message: `torrent ${source.infoHash}: its .torrent could not be kept: ${describeFsError(err, target)}`, code: 'E_STORE' });
      return false;
    }
  }

  /**
   * `fileLimit`: the caller lists only the first N files. Until a listing has built every view,
   * only those are built: the 201 of an add lists 1,000 of 50,000.
   */
  view(session: TorrentSession, baseUrl: string, fileLimit = Infinity): TorrentView {
    const status = session.status();
    return {
      ...status,
      spiesBlocked: this.#opts.spiesBlocked?.(session.infoHash) ?? 0,
      ...(this.dhtNodes(session.infoHash) !== undefined ? { dhtNodes: this.dhtNodes(session.infoHash)! } : {}),
      name: session.name ?? session.infoHash,
      files: this.#fileViews(session, baseUrl, fileLimit),
    };
  }

  /**
   * A torrent's files never change once known, and listings come from few base URLs: the views are
   * built once per session and base URL, so a 50,000-file listing does not rebuild 50,000 objects
   * per request. Shared between callers, who must not mutate them.
   */
  #fileViews(session: TorrentSession, baseUrl: string, limit = Infinity): CatalogFile[] {
    let byBase = this.#fileViewCache.get(session);
    const cached = byBase?.get(baseUrl);
    if (cached) return cached;
    const prefix = streamUrl(baseUrl, session.infoHash, 0).slice(0, -1);
    const fileView = (f: TorrentSession['files'][number]): CatalogFile => ({ index: f.index, name: f.name, length: f.length, mime: mimeFor(f.name), url: prefix + f.index });
    if (limit < session.files.length) return session.files.slice(0, limit).map(fileView);
    const files = session.files.map(fileView);
    if (files.length === 0) return files;
    if (!byBase || byBase.size >= FILE_VIEW_BASES) this.#fileViewCache.set(session, (byBase = new Map()));
    byBase.set(baseUrl, files);
    return files;
  }

  list(baseUrl: string): TorrentView[] {
    return this.sessions().map((s) => this.view(s, baseUrl));
  }

  get(infoHash: string, baseUrl: string, fileLimit = Infinity): TorrentView | undefined {
    const s = this.session(infoHash);
    return s ? this.view(s, baseUrl, fileLimit) : undefined;
  }

  #publishProgress(): void {
    for (const s of this.#sessions.values()) {
      const st = s.status();
      if (!st.ready) continue;
      this.#opts.bus.emit('progress', { infoHash: st.infoHash, downloaded: st.downloaded, length: st.length, speed: st.speed, peers: st.peers, timeLeft: st.timeLeft });
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    // Adds the API already answered are on disk before the process goes.
    await Promise.all(this.#saving.values());
    await Promise.all(this.sessions().map((s) => s.destroy()));
    this.#sessions.clear();
    this.#peerSessions.clear();
    // The PeerSource is closed by whoever made it (the privacy part, or a test).
  }
}
