/**
 * Outgoing TCP from the configured local address (--bind covers the peer wire too). No listening
 * socket is ever opened here.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { DialError, type DialFailure, type DialOptions, type DialTarget, type Transport } from './transport.js';

export interface TcpTransportOptions {
  /** Local address every connection leaves from; undefined or a wildcard means the OS chooses. */
  bindAddress?: string | undefined;
}

/** Maps a socket error code to why the dial failed. */
export function tcpFailureKind(code: string | undefined): DialFailure {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'EINVAL':
      return 'unreachable';
    default:
      return 'closed';
  }
}

const isWildcard = (addr: string | undefined) => !addr || addr === '0.0.0.0' || addr === '::';

export function createTcpTransport(opts: TcpTransportOptions = {}): Transport {
  const sockets = new Set<net.Socket>();
  const local = isWildcard(opts.bindAddress) ? {} : { localAddress: opts.bindAddress! };
  return {
    name: 'tcp',
    dial(target: DialTarget, dial: DialOptions): Promise<Duplex> {
      return new Promise((resolve, reject) => {
        if (dial.signal?.aborted) return reject(new DialError('tcp', 'aborted', `tcp ${target.host}:${target.port}: aborted before dialling`));
        const socket = net.connect({ host: target.host, port: target.port, ...local });
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        let settled = false;
        const fail = (kind: DialFailure, message: string, cause?: unknown) => {
          if (settled) return;
          settled = true;
          cleanup();
          socket.destroy();
          reject(new DialError('tcp', kind, `tcp ${target.host}:${target.port}: ${message}`, { cause }));
        };
        const onError = (err: NodeJS.ErrnoException) => fail(tcpFailureKind(err.code), err.code ?? err.message, err);
        const onClose = () => fail('closed', 'closed before connecting');
        const onAbort = () => fail('aborted', 'aborted');
        const timer = setTimeout(() => fail('timeout', `no answer in ${dial.timeoutMs} ms`), dial.timeoutMs);
        timer.unref();
        const cleanup = () => {
          clearTimeout(timer);
          socket.off('error', onError);
          socket.off('close', onClose);
          dial.signal?.removeEventListener('abort', onAbort);
        };
        socket.once('error', onError);
        socket.once('close', onClose);
        dial.signal?.addEventListener('abort', onAbort, { once: true });
        socket.once('connect', () => {
          if (settled) return;
          settled = true;
          cleanup();
          socket.setNoDelay(true);
          resolve(socket);
        });
      });
    },
    async close(): Promise<void> {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
  };
}
