/**
 * The plain DHT lookup behind the PeerSource interface: get_peers on the real infohash straight
 * away, to any node. It exists as the baseline the private lookup is measured against (bench/) and
 * lives in test/sim: nothing in the product may fall back to it, it is not private.
 */
import { EventEmitter } from 'node:events';
import type dgram from 'node:dgram';
import DHT from 'bittorrent-dht';
import type { PeerAddress, PeerSession, PeerSource, PeerVerdict } from '../../src/privacy/peer-source.js';

export const PLAIN_RELOOKUP_INTERVAL_MS = 30_000;
export const PLAIN_NEED_MORE_MIN_GAP_MS = 3_000;

export interface PlainLookupOptions {
  bootstrap: readonly string[];
  /** An unbound UDP socket to use (benches delay its sends to play a WAN). */
  socket?: dgram.Socket;
  bindAddress?: string | undefined;
  dhtPort?: number;
  relookupIntervalMs?: number;
}

class PlainSession extends EventEmitter implements PeerSession {
  #timer: NodeJS.Timeout;
  #lastLookup = 0;
  #stopped = false;
  #seen = new Set<string>();
  #bad = new Set<string>();
  #lookup: () => void;
  #detach: () => void;

  constructor(dht: Promise<DHT>, readonly infoHash: string, intervalMs: number) {
    super();
    const onPeer = (peer: PeerAddress, hash: Uint8Array | string) => {
      const hex = typeof hash === 'string' ? hash : Buffer.from(hash).toString('hex');
      if (hex !== infoHash || this.#stopped) return;
      const key = `${peer.host}:${peer.port}`;
      if (this.#seen.has(key) || this.#bad.has(key)) return;
      this.#seen.add(key);
      this.emit('peer', { host: peer.host, port: peer.port });
    };
    this.#lookup = () => {
      this.#lastLookup = Date.now();
      this.#seen.clear();
      void dht.then((d) => {
        if (!this.#stopped && !d.destroyed) d.lookup(infoHash);
      });
    };
    void dht.then((d) => d.on('peer', onPeer));
    this.#detach = () => void dht.then((d) => d.off('peer', onPeer));
    this.#timer = setInterval(this.#lookup, intervalMs);
    this.#timer.unref();
    setImmediate(this.#lookup);
  }

  needMore(): void {
    if (Date.now() - this.#lastLookup >= PLAIN_NEED_MORE_MIN_GAP_MS) this.#lookup();
  }

  report(peer: PeerAddress, verdict: PeerVerdict): void {
    if (verdict === 'bad-data' || verdict === 'no-pieces') this.#bad.add(`${peer.host}:${peer.port}`);
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#detach();
  }
}

export class PlainLookupPeerSource implements PeerSource {
  #dht: Promise<DHT> | undefined;
  readonly #opts: PlainLookupOptions;

  constructor(opts: PlainLookupOptions) {
    this.#opts = opts;
  }

  #ensureDht(): Promise<DHT> {
    this.#dht ??= new Promise((resolve) => {
      const dht = new DHT({ bootstrap: [...this.#opts.bootstrap], host: false, ...(this.#opts.socket ? { socket: this.#opts.socket } : {}) });
      dht.setMaxListeners(0);
      dht.on('error', () => {});
      dht.on('warning', () => {});
      dht.listen(this.#opts.dhtPort ?? 0, this.#opts.bindAddress ?? '0.0.0.0', () => resolve(dht));
    });
    return this.#dht;
  }

  start(infoHash: string): PeerSession {
    return new PlainSession(this.#ensureDht(), infoHash, this.#opts.relookupIntervalMs ?? PLAIN_RELOOKUP_INTERVAL_MS);
  }

  async close(): Promise<void> {
    if (!this.#dht) return;
    const dht = await this.#dht;
    await new Promise<void>((resolve) => dht.destroy(() => resolve()));
  }
}
