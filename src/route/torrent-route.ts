/**
 * How torrent traffic (peer TCP, uTP, every DHT datagram) leaves the machine, chosen once by the
 * composition root from --proxy / --bind / --bind-interface. Every torrent socket in the process
 * comes from here: the transports the engine dials with and the UDP opener the DHT side uses.
 *
 * - proxy: TCP by SOCKS5 CONNECT, DHT by UDP ASSOCIATE, uTP off (utp-native owns its UDP socket
 *   and cannot be sent through a relay). A watch association is kept open: when the proxy closes
 *   it (stopped, restarted) traffic is blocked at once and the proxy retried until it is back.
 * - bound: sockets bound to the address; the interfaces are polled and when the address goes,
 *   every torrent socket is closed and nothing new is opened until it is back (the kill switch).
 * - direct: as before this module existed.
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import os from 'node:os';
import type { Duplex } from 'node:stream';
import { EventEmitter } from 'node:events';
import { createTcpTransport } from '../transport/tcp.js';
import { createUtpTransport, type UtpTransport } from '../transport/utp.js';
import { DialError, type DialOptions, type DialTarget, type Transport } from '../transport/transport.js';
import { RouteGate } from './route-gate.js';
import { bindGoneMessage, bindStep, boundAddress, boundLabel, interfaceOf, proxyErrorMessage, proxyRetryMs, routeLabel, type BindTarget, type InterfaceSnapshot, type RouteStatus } from './route-state.js';
import { ProxyError, socksConnect, SocksUdpSocket, type ProxyEndpoint } from './socks-client.js';
import { proxyLabel, type ProxySpec } from './proxy-url.js';
import { openDirectUdp, type UdpOpener, type UdpSocket } from './udp-socket.js';

/** How often the kill switch reads the interfaces. */
export const BIND_POLL_MS = 500;
/** The proxy handshake (TCP connect, auth, reply) must finish within this. */
export const PROXY_HANDSHAKE_MS = 5_000;

export interface RouteSettings {
  proxy?: ProxySpec | undefined;
  bind?: BindTarget | undefined;
  utp: boolean;
  freerider: boolean;
  onWarning?: (message: string) => void;
  /** The interfaces as os.networkInterfaces() gives them (tests inject a changing view). */
  interfaces?: () => InterfaceSnapshot;
  pollMs?: number;
  /** Resolves the proxy's own host name (the only name ever looked up locally while a proxy is set). */
  resolveProxyHost?: (name: string) => Promise<string>;
}

export interface TorrentRoute {
  status(): RouteStatus;
  onChange(listener: (status: RouteStatus) => void): () => void;
  /** The only way the DHT side gets a UDP socket. */
  openUdp: UdpOpener;
  transports: readonly Transport[];
  /** True when torrent host names (DHT bootstrap) must not be resolved locally. */
  noLocalDns: boolean;
  close(): Promise<void>;
}

const isWildcard = (a: string | undefined): boolean => !a || a === '0.0.0.0' || a === '::';

export async function openTorrentRoute(settings: RouteSettings): Promise<TorrentRoute> {
  const bind = settings.bind && !(settings.bind.kind === 'address' && isWildcard(settings.bind.address)) ? settings.bind : undefined;
  const route = new Route(settings, bind);
  await route.start();
  return route;
}

class Route implements TorrentRoute {
  readonly gate = new RouteGate();
  readonly transports: Transport[] = [];
  readonly noLocalDns: boolean;
  readonly #settings: RouteSettings;
  readonly #bind: BindTarget | undefined;
  readonly #events = new EventEmitter();
  readonly #interfaces: () => InterfaceSnapshot;
  readonly #warn: (message: string) => void;
  #bound: string | null = null;
  #proxy: ProxyEndpoint | undefined;
  #watch: SocksUdpSocket | undefined;
  #proxyFailures = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #attempting: Promise<void> | undefined;
  #closed = false;
  #last = '';

  constructor(settings: RouteSettings, bind: BindTarget | undefined) {
    this.#settings = settings;
    this.#bind = bind;
    this.noLocalDns = settings.proxy !== undefined;
    this.#interfaces = settings.interfaces ?? (() => os.networkInterfaces());
    this.#warn = settings.onWarning ?? (() => {});
    this.gate.onChange(() => this.#emit());
  }

  async start(): Promise<void> {
    if (this.#bind) {
      this.#bound = boundAddress(this.#bind, this.#interfaces());
      if (this.#bound === null) this.gate.block('bind', bindGoneMessage(this.#bind, null));
      this.#pollTimer = setInterval(() => this.#poll(), this.#settings.pollMs ?? BIND_POLL_MS);
      this.#pollTimer.unref();
    }
    this.transports.push(new GatedTcp(this));
    if (this.#settings.proxy) {
      this.#proxy = { address: this.#settings.proxy.host, port: this.#settings.proxy.port, label: proxyLabel(this.#settings.proxy), username: this.#settings.proxy.username, password: this.#settings.proxy.password };
      // Blocked until the proxy has answered once: nothing may go out before we know it works.
      this.gate.block('proxy', `connecting to proxy ${this.#proxy.label}`);
      await this.checkProxy();
    } else if (this.#settings.utp) {
      this.transports.push(new GatedUtp(this));
    }
    this.#emit();
  }

  get boundAddress(): string | undefined {
    return this.#bind ? (this.#bound ?? undefined) : undefined;
  }

  get proxy(): ProxyEndpoint | undefined {
    return this.#proxy;
  }

  status(): RouteStatus {
    const bound = this.#bind ? boundLabel(this.#bind, this.#bound, this.#bound ? interfaceOf(this.#bound, this.#interfaces()) : undefined) : undefined;
    const label = routeLabel({ proxy: this.#proxy?.label, bound });
    const reason = this.gate.reason;
    return { route: this.#proxy ? 'proxy' : this.#bind ? 'bound' : 'direct', label, blocked: this.gate.blocked, ...(reason ? { message: reason } : {}) };
  }

  onChange(listener: (status: RouteStatus) => void): () => void {
    this.#events.on('change', listener);
    return () => this.#events.off('change', listener);
  }

  openUdp: UdpOpener = async (port) => new GatedUdp(this, port);

  /** A UDP socket on the route as it is now (called by GatedUdp while the gate is open). */
  async rawUdp(port: number): Promise<UdpSocket> {
    if (this.#proxy) {
      const sock = await SocksUdpSocket.open(this.#proxy, { timeoutMs: PROXY_HANDSHAKE_MS, localAddress: this.boundAddress, onGarbage: (why) => this.#warn(why) });
      sock.once('down', () => void this.checkProxy());
      return sock;
    }
    return openDirectUdp(this.#bind ? this.#bound! : undefined, port, (err) => this.#warn(`DHT socket: ${err.message}`));
  }

  /** The proxy may be down: make sure the watch association is up, or block and retry. */
  checkProxy(): Promise<void> {
    if (!this.#proxy || this.#closed) return Promise.resolve();
    if (this.#watch && !this.#watch.isClosed) return Promise.resolve();
    this.#attempting ??= this.#attemptProxy().finally(() => (this.#attempting = undefined));
    return this.#attempting;
  }

  async #attemptProxy(): Promise<void> {
    const proxy = this.#proxy!;
    clearTimeout(this.#retryTimer);
    if (this.#bind && this.#bound === null) return; // the kill switch holds; the poll retries when the address returns
    try {
      if (!net.isIP(proxy.address)) proxy.address = await (this.#settings.resolveProxyHost ?? (async (n) => (await dns.lookup(n)).address))(proxy.address);
      const watch = await SocksUdpSocket.open(proxy, { timeoutMs: PROXY_HANDSHAKE_MS, localAddress: this.boundAddress, onGarbage: (why) => this.#warn(why) });
      if (this.#closed) return void watch.close();
      this.#watch = watch;
      this.#proxyFailures = 0;
      watch.once('down', (why: string) => {
        this.gate.block('proxy', `${why}: torrent traffic is stopped, nothing is sent directly; retrying`);
        void this.checkProxy();
      });
      this.gate.unblock('proxy');
    } catch (err) {
      if (this.#closed) return;
      this.#proxyFailures++;
      const wait = proxyRetryMs(this.#proxyFailures);
      const why = err instanceof ProxyError ? err.message : proxyErrorMessage(proxy.label, err as Error);
      this.gate.block('proxy', `${why}: torrent traffic is stopped, nothing is sent directly; retrying in ${(wait / 1000).toFixed(1)} s`);
      this.#retryTimer = setTimeout(() => void this.checkProxy(), wait);
      this.#retryTimer.unref();
    }
  }

  #poll(): void {
    if (!this.#bind || this.#closed) return;
    const step = bindStep(this.#bind, this.#bound, boundAddress(this.#bind, this.#interfaces()));
    if (step.action === 'none') return;
    if (step.action === 'block') {
      const last = this.#bound;
      this.#bound = null;
      this.#watch?.close();
      this.gate.block('bind', bindGoneMessage(this.#bind, last));
      return;
    }
    if (step.action === 'move') {
      this.#watch?.close();
      this.gate.block('bind', `${this.#bind.kind === 'interface' ? `--bind-interface ${this.#bind.name}` : '--bind'} moved from ${step.from} to ${step.to}: reopening every torrent socket`);
    }
    this.#bound = step.action === 'open' ? step.address : step.to;
    this.gate.unblock('bind');
    void this.checkProxy();
  }

  #emit(): void {
    const s = this.status();
    const key = JSON.stringify(s);
    if (key === this.#last) return;
    this.#last = key;
    this.#events.emit('change', s);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#pollTimer);
    clearTimeout(this.#retryTimer);
    await this.#attempting;
    this.#watch?.close();
    await Promise.all(this.transports.map((t) => t.close()));
    this.gate.block('closed', 'closed');
  }
}


function blockedError(transport: 'tcp' | 'utp', target: DialTarget, reason: string | undefined): DialError {
  return new DialError(transport, 'unreachable', `${transport} ${target.host}:${target.port}: not dialled, torrent traffic is blocked (${reason ?? 'closed'})`);
}

/** Peer TCP on the route: through the proxy, or from the bound address; tracked by the gate. */
class GatedTcp implements Transport {
  readonly name = 'tcp' as const;
  readonly #route: Route;
  readonly #open = new Set<Duplex>();

  constructor(route: Route) {
    this.#route = route;
  }

  async dial(target: DialTarget, opts: DialOptions): Promise<Duplex> {
    const gate = this.#route.gate;
    // A short outage (a proxy restart) should not cost the peer a failed attempt: wait a little.
    if (gate.blocked && !(await gate.waitOpen(opts.timeoutMs, opts.signal))) throw blockedError('tcp', target, gate.reason);
    const proxy = this.#route.proxy;
    let stream: Duplex;
    if (proxy) {
      try {
        stream = await socksConnect(proxy, target, { timeoutMs: opts.timeoutMs, signal: opts.signal, localAddress: this.#route.boundAddress });
      } catch (err) {
        if (err instanceof ProxyError && err.proxyDown) void this.#route.checkProxy();
        const kind = opts.signal?.aborted ? 'aborted' : err instanceof ProxyError && !err.proxyDown ? 'refused' : 'unreachable';
        throw new DialError('tcp', kind, `tcp ${target.host}:${target.port} via proxy: ${(err as Error).message}`, { cause: err });
      }
    } else {
      stream = await createTcpTransport({ bindAddress: this.#route.boundAddress }).dial(target, opts);
    }
    if (gate.blocked) {
      stream.destroy();
      throw blockedError('tcp', target, gate.reason);
    }
    this.#open.add(stream);
    // Destroyed with an error, as a reset would: the link reports an ordinary drop (redialled
    // later), never a protocol breach that would ban an honest peer for our own route's outage.
    const untrack = gate.track({ close: (reason) => stream.destroy(Object.assign(new Error(`torrent traffic blocked: ${reason}`), { code: 'ECONNRESET' })) });
    stream.once('close', () => {
      untrack();
      this.#open.delete(stream);
    });
    return stream;
  }

  async close(): Promise<void> {
    for (const s of this.#open) s.destroy();
    this.#open.clear();
  }
}

/** uTP from the bound address (never with a proxy): its UDP socket is closed when the gate blocks. */
class GatedUtp implements Transport {
  readonly name = 'utp' as const;
  readonly #route: Route;
  #inner: Promise<UtpTransport> | undefined;

  constructor(route: Route) {
    this.#route = route;
  }

  async dial(target: DialTarget, opts: DialOptions): Promise<Duplex> {
    const gate = this.#route.gate;
    if (gate.blocked && !(await gate.waitOpen(opts.timeoutMs, opts.signal))) throw blockedError('utp', target, gate.reason);
    if (!this.#inner) {
      const inner = createUtpTransport({ bindAddress: this.#route.boundAddress });
      this.#inner = inner;
      inner.then(
        (t) => {
          // Tracked for the transport's whole life: the gate closes it when the route blocks.
          gate.track({
            close: () => {
              if (this.#inner === inner) this.#inner = undefined;
              void t.close();
            },
          });
        },
        () => {
          if (this.#inner === inner) this.#inner = undefined;
        },
      );
    }
    const transport = await this.#inner;
    if (gate.blocked) throw blockedError('utp', target, gate.reason);
    return transport.dial(target, opts);
  }

  async close(): Promise<void> {
    const inner = this.#inner;
    this.#inner = undefined;
    if (inner) await (await inner.catch(() => undefined))?.close();
  }
}

/**
 * The DHT's UDP socket: stable for KRPC while the real socket underneath is closed when the
 * gate blocks and opened again, on the route as it is then, by the first send after it reopens.
 */
class GatedUdp extends EventEmitter implements UdpSocket {
  readonly #route: Route;
  readonly #port: number;
  #inner: UdpSocket | undefined;
  #opening: Promise<UdpSocket | undefined> | undefined;
  #closed = false;
  #lastAddress = { address: '0.0.0.0', port: 0 };
  #untrack: () => void = () => {};

  constructor(route: Route, port: number) {
    super();
    this.#route = route;
    this.#port = port;
  }

  #ensure(): Promise<UdpSocket | undefined> {
    if (this.#inner) return Promise.resolve(this.#inner);
    this.#opening ??= this.#route
      .rawUdp(this.#port)
      .then((sock) => {
        if (this.#closed || this.#route.gate.blocked) {
          sock.close();
          return undefined;
        }
        this.#inner = sock;
        this.#lastAddress = sock.address();
        sock.on('message', (msg, rinfo) => this.emit('message', msg, rinfo));
        if (sock instanceof SocksUdpSocket) sock.once('down', () => this.#drop(sock));
        this.#untrack = this.#route.gate.track({ close: () => this.#drop(sock) });
        return sock;
      })
      .catch((err: Error) => {
        if (err instanceof ProxyError && err.proxyDown) void this.#route.checkProxy();
        throw err;
      })
      .finally(() => (this.#opening = undefined));
    return this.#opening;
  }

  #drop(sock: UdpSocket): void {
    if (this.#inner !== sock) return;
    this.#inner = undefined;
    this.#untrack();
    closeQuietly(sock);
  }

  send(msg: Buffer, port: number, host: string, callback?: (err: Error | null) => void): void {
    const gate = this.#route.gate;
    if (this.#closed) return void queueMicrotask(() => callback?.(new Error('DHT socket closed')));
    if (gate.blocked) return void queueMicrotask(() => callback?.(new Error(`not sent to ${host}:${port}: torrent traffic is blocked (${gate.reason})`)));
    this.#ensure().then(
      (sock) => {
        if (!sock || gate.blocked) return callback?.(new Error(`not sent to ${host}:${port}: torrent traffic is blocked (${gate.reason ?? 'closed'})`));
        sock.send(msg, port, host, callback);
      },
      (err: Error) => callback?.(err),
    );
  }

  address(): { address: string; port: number } {
    return this.#inner?.address() ?? this.#lastAddress;
  }

  close(callback?: () => void): void {
    this.#closed = true;
    const sock = this.#inner;
    this.#inner = undefined;
    this.#untrack();
    if (sock) closeQuietly(sock, callback);
    else callback?.();
  }
}

/** A socket may already be closed (its proxy went away first): closing again is not an error. */
function closeQuietly(sock: UdpSocket, callback?: () => void): void {
  try {
    sock.close(callback);
  } catch {
    callback?.();
  }
}
