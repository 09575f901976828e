/**
 * A small KRPC endpoint (BEP 5) over an injected UDP socket. In freerider mode every query
 * carries `ro: 1` (BEP 43: "do not add me to your routing table") and incoming queries are never
 * answered, so the client is invisible as a DHT node. Replies are only accepted from the address
 * that was asked, with the transaction ID it was given.
 */
import type { UdpOpener, UdpSocket } from '../route/udp-socket.js';
import { openDirectUdp } from '../route/udp-socket.js';
import { decodeBounded, encode, isDict, type BDict, type BValue } from './bencode-bounded.js';
import { defaultRandomBytes, type RandomBytes } from './node-id.js';
import type { PeerAddress } from './peer-source.js';
import { RttEstimator } from './rtt.js';

export const KRPC_TIMEOUT_MS = 2_000;
/** Transaction IDs are 2 bytes: at most this many queries may be in flight. */
export const KRPC_MAX_INFLIGHT = 4_096;

export interface KrpcQuery {
  method: string;
  args: BDict;
  from: PeerAddress;
  /** The sender asked to be left out of routing tables (BEP 43). */
  readOnly: boolean;
}

export interface KrpcStats {
  queriesSent: number;
  responses: number;
  timeouts: number;
  errors: number;
  queriesReceived: number;
  answered: number;
  malformed: number;
}

export interface KrpcOptions {
  /** From the route's opener (src/route): the DHT side never opens a UDP socket of its own. */
  socket: UdpSocket;
  freerider?: boolean;
  /** The longest wait for a reply; with adaptiveTimeouts, the cap of the RTT-based wait. */
  timeoutMs?: number;
  /** Wait a few measured RTTs (rtt.ts) instead of timeoutMs for every reply. */
  adaptiveTimeouts?: boolean;
  randomBytes?: RandomBytes;
  /** Answers a query (ignored in freerider mode); null sends nothing. */
  onQuery?: (query: KrpcQuery) => BDict | null;
  /** `kind` groups warnings of one sort for rate limiting (a flood of junk is one kind). */
  onWarning?: (message: string, kind: KrpcWarningKind) => void;
}

export type KrpcWarningKind = 'krpc-malformed' | 'dht-socket';

export class KrpcTimeoutError extends Error {
  constructor(readonly to: PeerAddress, readonly method: string) {
    super(`${method} to ${to.host}:${to.port} timed out`);
  }
}

export class KrpcRemoteError extends Error {
  constructor(readonly to: PeerAddress, readonly code: number, detail: string) {
    super(`${to.host}:${to.port} answered error ${code}: ${detail}`);
  }
}

interface Pending {
  to: PeerAddress;
  method: string;
  sentMs: number;
  timer: NodeJS.Timeout;
  resolve: (r: BDict) => void;
  reject: (err: Error) => void;
}

export class KrpcClient {
  readonly stats: KrpcStats = { queriesSent: 0, responses: 0, timeouts: 0, errors: 0, queriesReceived: 0, answered: 0, malformed: 0 };
  readonly freerider: boolean;
  readonly rtt: RttEstimator;
  readonly #socket: UdpSocket;
  readonly #pending = new Map<string, Pending>();
  readonly #opts: KrpcOptions;
  #closed = false;

  constructor(opts: KrpcOptions) {
    this.#opts = opts;
    this.#socket = opts.socket;
    this.freerider = opts.freerider ?? true;
    this.rtt = new RttEstimator(opts.timeoutMs ?? KRPC_TIMEOUT_MS);
    this.#socket.on('message', (msg, rinfo) => this.#onMessage(msg, { host: rinfo.address, port: rinfo.port }));
  }

  /**
   * Wraps a socket from `openSocket` (the route's opener, which every product path passes); a
   * plain UDP socket on bindAddress:port only for tests and the simulated world.
   */
  static async open(opts: Omit<KrpcOptions, 'socket'> & { openSocket?: UdpOpener | undefined; bindAddress?: string | undefined; port?: number }): Promise<KrpcClient> {
    const port = opts.port ?? 0;
    const socket = opts.openSocket ? await opts.openSocket(port) : await openDirectUdp(opts.bindAddress, port, (err) => opts.onWarning?.(`DHT socket: ${err.message}`, 'dht-socket'));
    return new KrpcClient({ ...opts, socket });
  }

  address(): PeerAddress {
    const a = this.#socket.address();
    return { host: a.address, port: a.port };
  }

  get inflight(): number {
    return this.#pending.size;
  }

  /** How long a query to `to` waits for its reply. */
  timeoutFor(to: PeerAddress): number {
    return this.#opts.adaptiveTimeouts ? this.rtt.timeoutFor(`${to.host}:${to.port}`) : (this.#opts.timeoutMs ?? KRPC_TIMEOUT_MS);
  }

  query(to: PeerAddress, method: string, args: BDict): Promise<BDict> {
    if (this.#closed) return Promise.reject(new Error('KRPC client is closed'));
    if (this.#pending.size >= KRPC_MAX_INFLIGHT) return Promise.reject(new Error('too many KRPC queries in flight'));
    const random = this.#opts.randomBytes ?? defaultRandomBytes;
    let t: Buffer;
    do t = random(2);
    while (this.#pending.has(t.toString('hex')));
    const message: BDict = { t, y: Buffer.from('q'), q: Buffer.from(method), a: args };
    if (this.freerider) message['ro'] = 1;
    return new Promise<BDict>((resolve, reject) => {
      const key = t.toString('hex');
      const timer = setTimeout(() => {
        this.#pending.delete(key);
        this.stats.timeouts++;
        reject(new KrpcTimeoutError(to, method));
      }, this.timeoutFor(to));
      this.#pending.set(key, { to, method, sentMs: performance.now(), timer, resolve, reject });
      this.stats.queriesSent++;
      this.#socket.send(encode(message), to.port, to.host, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.#pending.delete(key);
        reject(err);
      });
    });
  }

  #onMessage(raw: Buffer, from: PeerAddress): void {
    let msg: BValue;
    try {
      msg = decodeBounded(raw);
    } catch (err) {
      return this.#malformed(from, (err as Error).message);
    }
    if (!isDict(msg)) return this.#malformed(from, 'not a dictionary');
    const y = msg['y'];
    const t = msg['t'];
    if (!Buffer.isBuffer(y) || !Buffer.isBuffer(t)) return this.#malformed(from, 'no y or t');
    const kind = y.toString('latin1');
    if (kind === 'q') return this.#onQuery(msg, t, from);
    const pending = this.#pending.get(t.toString('hex'));
    // Unknown or spoofed: a reply must come from the address the query went to.
    if (!pending || pending.to.host !== from.host || pending.to.port !== from.port) return;
    this.#pending.delete(t.toString('hex'));
    clearTimeout(pending.timer);
    if (kind === 'r' && isDict(msg['r'])) {
      this.stats.responses++;
      this.rtt.record(`${from.host}:${from.port}`, performance.now() - pending.sentMs);
      pending.resolve(msg['r']);
    } else if (kind === 'e') {
      this.stats.errors++;
      const e = msg['e'];
      const code = Array.isArray(e) && typeof e[0] === 'number' ? e[0] : 0;
      const detail = Array.isArray(e) && Buffer.isBuffer(e[1]) ? e[1].toString('utf8').slice(0, 200) : '';
      pending.reject(new KrpcRemoteError(from, code, detail));
    } else {
      this.stats.malformed++;
      pending.reject(new Error(`malformed reply from ${from.host}:${from.port}`));
    }
  }

  #onQuery(msg: BDict, t: Buffer, from: PeerAddress): void {
    this.stats.queriesReceived++;
    // Freerider: answering would make us a routable node others can enumerate.
    if (this.freerider || !this.#opts.onQuery) return;
    const q = msg['q'];
    const a = msg['a'];
    if (!Buffer.isBuffer(q) || !isDict(a)) return this.#malformed(from, 'query without q or a');
    const reply = this.#opts.onQuery({ method: q.toString('latin1'), args: a, from, readOnly: msg['ro'] === 1 });
    if (!reply) return;
    this.stats.answered++;
    this.#socket.send(encode({ t, y: Buffer.from('r'), r: reply }), from.port, from.host);
  }

  #malformed(from: PeerAddress, why: string): void {
    this.stats.malformed++;
    this.#opts.onWarning?.(`malformed KRPC message from ${from.host}:${from.port}: ${why}`, 'krpc-malformed');
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('KRPC client closed'));
    }
    this.#pending.clear();
    return new Promise((resolve) => {
      try {
        this.#socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}
