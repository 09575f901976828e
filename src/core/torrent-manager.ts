/**
 * The torrents the service holds. It resolves sources, starts one TorrentSession per infohash
 * (adding the same one twice returns the first), publishes progress on the event bus, and is the
 * Catalog that the API and media-center adapters read.
 */
import mime from 'mime';
import { TorrentLiveError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { PeerSession, PeerSource } from '../privacy/peer-source.js';
import type { Catalog, CatalogFile, CatalogTorrent } from './catalog.js';
import { TorrentSession, type SessionStatus } from './engine.js';
import type { StoreLayout } from './store-layout.js';
import type { EncryptionPolicy } from '../transport/dial-plan.js';
import type { Transport } from '../transport/transport.js';
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
}

export interface TorrentView extends CatalogTorrent, Omit<SessionStatus, 'name'> {
  spiesBlocked: number;
  /** DHT nodes the latest lookup reached, when the peer source says (0: no network). */
  dhtNodes?: number;
}

/** Base URLs (loopback, LAN address, a TV's view) whose file views a session keeps. */
const FILE_VIEW_BASES = 4;

export function mimeFor(name: string): string {
  return mime.getType(name) ?? 'application/octet-stream';
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
    return this.view(this.start(source), '');
  }

  async addTorrentBytes(bytes: Buffer, label = 'uploaded .torrent'): Promise<TorrentSession> {
    return this.start(await resolveTorrentBytes(bytes, label, this.#opts.reader));
  }

  start(source: TorrentSource): TorrentSession {
    const existing = this.#sessions.get(source.infoHash);
    if (existing) return existing;
    const { bus } = this.#opts;
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
        });
      },
      (err: unknown) => bus.emit('error', { message: err instanceof Error ? err.message : String(err), code: 'E_STORE' }),
    );
    return session;
  }

  async remove(infoHash: string): Promise<void> {
    const session = this.#sessions.get(infoHash.toLowerCase());
    if (!session) throw new TorrentLiveError('E_NOT_FOUND', `no torrent ${infoHash} is loaded`);
    this.#sessions.delete(session.infoHash);
    this.#peerSessions.delete(session.infoHash);
    this.#updateId++;
    await session.destroy();
  }

  view(session: TorrentSession, baseUrl: string): TorrentView {
    const status = session.status();
    return {
      ...status,
      spiesBlocked: this.#opts.spiesBlocked?.(session.infoHash) ?? 0,
      ...(this.dhtNodes(session.infoHash) !== undefined ? { dhtNodes: this.dhtNodes(session.infoHash)! } : {}),
      name: session.name ?? session.infoHash,
      files: this.#fileViews(session, baseUrl),
    };
  }

  /**
   * A torrent's files never change once known, and listings come from few base URLs: the views are
   * built once per session and base URL, so a 50,000-file listing does not rebuild 50,000 objects
   * per request. Shared between callers, who must not mutate them.
   */
  #fileViews(session: TorrentSession, baseUrl: string): CatalogFile[] {
    let byBase = this.#fileViewCache.get(session);
    const cached = byBase?.get(baseUrl);
    if (cached) return cached;
    const files = session.files.map((f) => ({ index: f.index, name: f.name, length: f.length, mime: mimeFor(f.name), url: streamUrl(baseUrl, session.infoHash, f.index) }));
    if (files.length === 0) return files;
    if (!byBase || byBase.size >= FILE_VIEW_BASES) this.#fileViewCache.set(session, (byBase = new Map()));
    byBase.set(baseUrl, files);
    return files;
  }

  list(baseUrl: string): TorrentView[] {
    return this.sessions().map((s) => this.view(s, baseUrl));
  }

  get(infoHash: string, baseUrl: string): TorrentView | undefined {
    const s = this.session(infoHash);
    return s ? this.view(s, baseUrl) : undefined;
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
    await Promise.all(this.sessions().map((s) => s.destroy()));
    this.#sessions.clear();
    this.#peerSessions.clear();
    // The PeerSource is closed by whoever made it (the privacy part, or a test).
  }
}
