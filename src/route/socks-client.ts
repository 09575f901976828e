/**
 * SOCKS5 through the `socks` package: CONNECT for peer TCP, UDP ASSOCIATE for the DHT. The TCP
 * connection to the proxy is made here (from --bind when given) and handed to `socks`, so an
 * abort or a tripped kill switch can destroy it at any stage of the handshake.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { EventEmitter } from 'node:events';
import { SocksClient } from 'socks';

interface Established {
  socket: net.Socket;
  remoteHost?: { host?: unknown; port?: unknown } | undefined;
}
import { encodeUdpFrame, MAX_UDP_PAYLOAD, parseUdpFrame, relayEndpoint, type UdpEndpoint } from './socks-udp.js';
import { proxyErrorMessage } from './route-state.js';
import type { UdpSocket } from './udp-socket.js';

export interface ProxyEndpoint {
  /** An IP literal: the proxy's name, if one was given, is resolved once at start. */
  address: string;
  port: number;
  /** host:port as the user named it, for messages. */
  label: string;
  username?: string | undefined;
  password?: string | undefined;
}

export class ProxyError extends Error {
  constructor(
    message: string,
    /** The proxy itself could not be reached or refused us (as opposed to refusing one target). */
    readonly proxyDown: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProxyError';
  }
}

/** The SOCKS5 reply codes that are about the target, not the proxy (RFC 1928 §6). */
const TARGET_REPLY = /HostUnreachable|NetworkUnreachable|ConnectionRefused|TTLExpired|NotAllowed|ConnectionNotAllowed/i;

function tcpToProxy(proxy: ProxyEndpoint, localAddress: string | undefined, timeoutMs: number, signal?: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: proxy.address, port: proxy.port, ...(localAddress ? { localAddress } : {}) });
    const fail = (err: Error & { code?: string }): void => {
      cleanup();
      socket.destroy();
      reject(new ProxyError(proxyErrorMessage(proxy.label, err), true, { cause: err }));
    };
    const onAbort = (): void => {
      cleanup();
      socket.destroy();
      reject(new ProxyError(`dial through proxy ${proxy.label} aborted`, false));
    };
    const timer = setTimeout(() => fail(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
    timer.unref();
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('error', fail);
      signal?.removeEventListener('abort', onAbort);
    };
    socket.once('error', fail);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      cleanup();
      resolve(socket);
    });
  });
}

function negotiate(socket: net.Socket, proxy: ProxyEndpoint, command: 'connect' | 'associate', destination: UdpEndpoint, timeoutMs: number, signal?: AbortSignal): Promise<Established> {
  return new Promise((resolve, reject) => {
    const client = new SocksClient({
      proxy: { host: proxy.address, port: proxy.port, type: 5, ...(proxy.username !== undefined ? { userId: proxy.username, password: proxy.password ?? '' } : {}) },
      command,
      destination,
      timeout: timeoutMs,
    });
    const onAbort = (): void => {
      socket.destroy();
      reject(new ProxyError(`dial through proxy ${proxy.label} aborted`, false));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    client.once('established', (info: Established) => {
      signal?.removeEventListener('abort', onAbort);
      resolve(info);
    });
    client.once('error', (err: Error) => {
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      const aboutTarget = command === 'connect' && TARGET_REPLY.test(err.message);
      reject(new ProxyError(aboutTarget ? `proxy ${proxy.label} could not reach ${destination.host}:${destination.port}: ${err.message.slice(0, 120)}` : proxyErrorMessage(proxy.label, err), !aboutTarget, { cause: err }));
    });
    client.connect(socket);
  });
}

/** A TCP stream to `target` through the proxy; rejects with a ProxyError. */
export async function socksConnect(proxy: ProxyEndpoint, target: UdpEndpoint, opts: { timeoutMs: number; signal?: AbortSignal | undefined; localAddress?: string | undefined }): Promise<net.Socket> {
  const socket = await tcpToProxy(proxy, opts.localAddress, opts.timeoutMs, opts.signal);
  socket.on('error', () => {});
  const info = await negotiate(socket, proxy, 'connect', target, opts.timeoutMs, opts.signal);
  // The no-op listener stays: a proxy that resets right after its reply must not crash the
  // process before the peer link attaches its own listeners ('close' still tells the link).
  info.socket.setNoDelay(true);
  return info.socket;
}

/**
 * A UDP association: datagrams wrapped for the relay, answers unwrapped. It ends when the proxy
 * closes the TCP control connection (RFC 1928: the association lives as long as it): 'down' is
 * emitted then, and the socket sends nothing more.
 */
export class SocksUdpSocket extends EventEmitter implements UdpSocket {
  readonly relay: UdpEndpoint;
  readonly #udp: dgram.Socket;
  readonly #control: net.Socket;
  readonly #proxy: ProxyEndpoint;
  #closed = false;
  /** Datagrams from the relay that did not parse (a broken or hostile proxy). */
  garbage = 0;

  private constructor(udp: dgram.Socket, control: net.Socket, relay: UdpEndpoint, proxy: ProxyEndpoint, onGarbage?: (why: string) => void) {
    super();
    this.#udp = udp;
    this.#control = control;
    this.relay = relay;
    this.#proxy = proxy;
    udp.on('error', () => {});
    udp.on('message', (msg, rinfo) => {
      // Only the relay may speak on this socket: anything else is dropped unread.
      if (rinfo.address !== relay.host || rinfo.port !== relay.port) return;
      const frame = parseUdpFrame(msg);
      if (!frame.ok) {
        this.garbage++;
        onGarbage?.(`proxy ${proxy.label} relayed a bad UDP datagram: ${frame.why}`);
        return;
      }
      this.emit('message', frame.payload, { address: frame.from.host, port: frame.from.port });
    });
    control.on('error', () => {});
    // Anything the proxy sends on the control connection after the reply is meaningless; read and drop it.
    control.on('data', () => {});
    control.once('close', () => {
      if (this.#closed) return;
      this.close();
      this.emit('down', `proxy ${proxy.label} closed the UDP association (proxy stopped or restarted)`);
    });
  }

  static async open(proxy: ProxyEndpoint, opts: { timeoutMs: number; localAddress?: string | undefined; onGarbage?: (why: string) => void }): Promise<SocksUdpSocket> {
    const control = await tcpToProxy(proxy, opts.localAddress, opts.timeoutMs);
    control.on('error', () => {});
    const info = await negotiate(control, proxy, 'associate', { host: '0.0.0.0', port: 0 }, opts.timeoutMs);
    const reply = info.remoteHost;
    const checked = relayEndpoint(proxy, { host: typeof reply?.host === 'string' ? reply.host : '(none)', port: typeof reply?.port === 'number' ? reply.port : 0 });
    if (!checked.ok) {
      control.destroy();
      throw new ProxyError(`proxy ${proxy.label}: ${checked.why}`, true);
    }
    const udp = dgram.createSocket(net.isIPv6(proxy.address) ? 'udp6' : 'udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(0, opts.localAddress, () => {
          udp.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      control.destroy();
      udp.close();
      throw new ProxyError(`UDP socket for proxy ${proxy.label}: ${(err as Error).message}`, true, { cause: err });
    }
    return new SocksUdpSocket(udp, control, checked.relay, proxy, opts.onGarbage);
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  send(msg: Buffer, port: number, host: string, callback?: (err: Error | null) => void): void {
    if (this.#closed) return void queueMicrotask(() => callback?.(new Error(`proxy ${this.#proxy.label}: the UDP association is closed`)));
    if (msg.length > MAX_UDP_PAYLOAD - 300) return void queueMicrotask(() => callback?.(new Error(`datagram of ${msg.length} bytes is too large for the SOCKS5 relay`)));
    let frame: Buffer;
    try {
      frame = encodeUdpFrame({ host, port }, msg);
    } catch (err) {
      return void queueMicrotask(() => callback?.(err as Error));
    }
    this.#udp.send(frame, this.relay.port, this.relay.host, (err) => callback?.(err ?? null));
  }

  address(): { address: string; port: number } {
    return this.#udp.address();
  }

  close(callback?: () => void): void {
    if (this.#closed) return void callback?.();
    this.#closed = true;
    this.#control.destroy();
    try {
      this.#udp.close(() => callback?.());
    } catch {
      callback?.();
    }
  }
}
