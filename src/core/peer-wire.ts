/**
 * One peer connection over a stream a transport already opened (src/transport: TCP or uTP, the
 * link neither knows nor cares): MSE/PE with RC4 when asked, then the BitTorrent handshake offering
 * BEP 6 (fast) and BEP 10 with ut_metadata, the protocol checks of GuardedWire, and a deadline on
 * the whole handshake. With RC4 our handshake (which names the infohash) is only sent once the
 * crypto handshake is done, so nothing on the path reads what we download.
 */
import type { Duplex } from 'node:stream';
import utMetadata from 'ut_metadata';
import type { TransportName } from '../transport/transport.js';
import type { WireEncryption } from '../transport/dial-plan.js';
import { GuardedWire, type PieceGeometry } from './guarded-wire.js';

/** From the stream being open to the peer's BitTorrent handshake, MSE included (DH on both ends). */
export const HANDSHAKE_TIMEOUT_MS = 6_000;

/** Where a link that never opened stopped: tells a peer that refused MSE from one that is gone. */
export type LinkStage = 'crypto' | 'handshake' | 'open';

export interface PeerLinkOptions {
  host: string;
  port: number;
  stream: Duplex;
  transport: TransportName;
  encryption: WireEncryption;
  infoHash: string;
  /** 40 hex. */
  peerId: string;
  /** Info dictionary to serve and to skip fetching; undefined while still unknown. */
  metadata?: Uint8Array | undefined;
  geometry: () => PieceGeometry | null;
  handshakeTimeoutMs?: number;
  onOpen(link: PeerLink): void;
  /** violation: the peer broke the protocol (never dial it again). */
  onClose(link: PeerLink, reason: string, stage: LinkStage, violation: boolean): void;
  /** ut_metadata delivered a verified `{ info }` torrent. */
  onMetadata(link: PeerLink, torrent: Uint8Array): void;
}

export class PeerLink {
  readonly host: string;
  readonly port: number;
  readonly key: string;
  readonly wire: GuardedWire;
  readonly stream: Duplex;
  readonly transport: TransportName;
  readonly encryption: WireEncryption;
  #closed = false;
  #stage: LinkStage;
  #violation: string | null = null;
  #timer: NodeJS.Timeout;
  #opts: PeerLinkOptions;

  constructor(opts: PeerLinkOptions) {
    this.#opts = opts;
    this.host = opts.host;
    this.port = opts.port;
    this.key = `${opts.host}:${opts.port}`;
    this.stream = opts.stream;
    this.transport = opts.transport;
    this.encryption = opts.encryption;
    const rc4 = opts.encryption === 'rc4';
    this.#stage = rc4 ? 'crypto' : 'handshake';
    // peEnabled 2 offers RC4 only: offering plaintext too would let the peer pick it, and the
    // BitTorrent handshake that follows would then cross the wire in the clear.
    this.wire = new GuardedWire('tcpOutgoing', rc4 ? 2 : 0);
    this.wire.geometry = opts.geometry;
    const limit = opts.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
    this.#timer = setTimeout(() => this.close(`${this.#stage} timeout (${limit} ms)`), limit);
    this.#timer.unref();
    const stream = opts.stream;
    // Not ended by the pipe: the wire ends itself only when its parser gives up on the peer.
    stream.pipe(this.wire, { end: false }).pipe(stream);
    stream.on('error', (err: Error) => this.close(err.message));
    stream.on('close', () => this.close('closed'));
    stream.on('end', () => this.close('closed'));
    this.wire.on('violation', (reason: string) => {
      this.#violation = reason;
      this.close(`protocol violation: ${reason}`);
    });
    this.wire.on('gave-up', () => {
      if (this.#closed) return;
      // The pipe tears the wire down (through end()) when the connection itself failed (a reset,
      // our kill switch): the transport ended, the parser did not refuse anything.
      if (stream.destroyed) return this.close('closed');
      // The parser refused what the peer sent: a breach, never a peer to try again.
      this.#violation = `unparseable ${this.#stage === 'crypto' ? 'MSE handshake' : this.#stage === 'handshake' ? 'handshake' : 'message'}`;
      this.close(`protocol violation: ${this.#violation}`);
    });
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
      if (this.#stage === 'crypto') return this.close('the peer answered MSE with a plaintext handshake');
      if (infoHash !== opts.infoHash) return this.close('wrong infohash');
      clearTimeout(this.#timer);
      this.#stage = 'open';
      opts.onOpen(this);
    });
    const sendHandshake = () => this.wire.handshake(opts.infoHash, opts.peerId, { dht: false, fast: true });
    if (rc4) {
      this.wire.once('crypto-handshake', () => {
        if (this.wire._encryptionMethod !== 2) return this.close('the peer did not select RC4');
        this.#stage = 'handshake';
        sendHandshake();
      });
      this.wire.startEncryption(opts.infoHash);
    } else {
      sendHandshake();
    }
  }

  get isOpen(): boolean {
    return this.#stage === 'open' && !this.#closed;
  }

  get stage(): LinkStage {
    return this.#stage;
  }

  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.wire.destroy();
    this.stream.destroy();
    this.#opts.onClose(this, reason, this.#stage, this.#violation !== null);
  }
}
