/**
 * Transports wrapped for tests at the engine's level: hosts whose SYNs vanish (what NAT and gone
 * hosts look like, without needing nftables), and a tap that records every byte we send, to prove
 * what crossed the wire in the clear. The nftables version of silent peers is in unreachable-peers.
 */
import type { Duplex } from 'node:stream';
import { DialError, type DialOptions, type DialTarget, type Transport } from '../../src/transport/transport.js';

/** Dials to these hosts get no answer: they fail with 'timeout' after the dial's own timeout. */
export function withSilentHosts(inner: Transport, silent: ReadonlySet<string>): Transport & { silentDials: number } {
  const wrapped = {
    name: inner.name,
    silentDials: 0,
    dial(target: DialTarget, opts: DialOptions): Promise<Duplex> {
      if (!silent.has(target.host)) return inner.dial(target, opts);
      wrapped.silentDials++;
      return new Promise((_resolve, reject) => {
        const timer = setTimeout(() => reject(new DialError(inner.name, 'timeout', `${target.host}:${target.port}: no answer in ${opts.timeoutMs} ms`)), opts.timeoutMs);
        opts.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new DialError(inner.name, 'aborted', 'aborted'));
        }, { once: true });
      });
    },
    close: () => inner.close(),
  };
  return wrapped;
}

/** Records what we write on every stream the inner transport opens. */
export function withSentBytesTap(inner: Transport): Transport & { sent: Buffer[] } {
  const sent: Buffer[] = [];
  return {
    name: inner.name,
    sent,
    async dial(target: DialTarget, opts: DialOptions): Promise<Duplex> {
      const stream = await inner.dial(target, opts);
      const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        if (chunk instanceof Uint8Array) sent.push(Buffer.from(chunk));
        return write(chunk, ...rest);
      }) as typeof stream.write;
      return stream;
    },
    close: () => inner.close(),
  };
}
