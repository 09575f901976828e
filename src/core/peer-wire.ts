/**
 * One outgoing peer connection: TCP from the configured local address (--bind covers the peer
 * wire too), the BitTorrent handshake offering BEP 6 (fast) and BEP 10 with ut_metadata, a frame
 * guard in front of the parser, and timeouts on connect and handshake. No listening socket is
 * ever opened here: peers come only from the privacy layer.
 */
import net from 'node:net';
import Wire from 'bittorrent-protocol';
import utMetadata from 'ut_metadata';
import { FrameGuard } from './frame-guard.js';

export const CONNECT_TIMEOUT_MS = 5_000;
export const HANDSHAKE_TIMEOUT_MS = 8_000;

export interface PeerLinkOptions {
  host: string;
  port: number;
  infoHash: string;
  /** 40 hex. */
  peerId: string;
  localAddress?: string | undefined;
  /** Info dictionary to serve and to skip fetching; undefined while still unknown. */
  metadata?: Uint8Array | undefined;
  onOpen(link: PeerLink): void;
  onClose(link: PeerLink, reason: string): void;
  /** ut_metadata delivered a verified `{ info }` torrent. */
  onMetadata(link: PeerLink, torrent: Uint8Array): void;
}

export class PeerLink {
  readonly host: string;
  readonly port: number;
  readonly key: string;
  readonly wire: Wire;
  readonly socket: net.Socket;
  #closed = false;
  #open = false;
  #timer: NodeJS.Timeout;
  #opts: PeerLinkOptions;

  constructor(opts: PeerLinkOptions) {
    this.#opts = opts;
    this.host = opts.host;
    this.port = opts.port;
    this.key = `${opts.host}:${opts.port}`;
    const local = opts.localAddress && opts.localAddress !== '0.0.0.0' && opts.localAddress !== '::' ? { localAddress: opts.localAddress } : {};
    this.socket = net.connect({ host: opts.host, port: opts.port, ...local });
    this.socket.setNoDelay(true);
    this.wire = new Wire();
    this.#timer = setTimeout(() => this.close(this.socket.connecting ? 'connect timeout' : 'handshake timeout'), CONNECT_TIMEOUT_MS + HANDSHAKE_TIMEOUT_MS);
    this.#timer.unref();
    const guard = new FrameGuard();
    this.socket.on('data', (chunk: Buffer) => {
      const refused = guard.feed(chunk);
      if (refused) return this.close(`protocol violation: ${refused}`);
      this.wire.write(chunk);
    });
    this.wire.pipe(this.socket);
    this.socket.on('error', (err) => this.close(err.message));
    this.socket.on('close', () => this.close('closed'));
    this.socket.on('end', () => this.close('closed'));
    this.wire.on('error', (err: Error) => this.close(err.message));
    this.wire.on('close', () => this.close('closed'));
    this.wire.on('end', () => this.close('closed'));
    this.wire.use(utMetadata(opts.metadata));
    this.wire.ut_metadata.on('metadata', (torrent) => opts.onMetadata(this, torrent as Uint8Array));
    this.wire.ut_metadata.on('warning', () => {});
    this.wire.on('extended', (ext: string) => {
      if (ext === 'handshake' && !opts.metadata) this.wire.ut_metadata.fetch();
    });
    this.wire.once('handshake', (infoHash: string) => {
      if (infoHash !== opts.infoHash) return this.close('wrong infohash');
      clearTimeout(this.#timer);
      this.#open = true;
      opts.onOpen(this);
    });
    this.wire.handshake(opts.infoHash, opts.peerId, { dht: false, fast: true });
  }

  get isOpen(): boolean {
    return this.#open && !this.#closed;
  }

  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.wire.destroy();
    this.socket.destroy();
    this.#opts.onClose(this, reason);
  }
}
