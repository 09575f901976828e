/**
 * A TCP proxy that puts distance between two loopback hosts: every byte is delivered `oneWayMs`
 * later in each direction (RTT = 2 x oneWayMs), and the far side's sending can be capped at a
 * rate, like a peer on a slow uplink. Queued bytes are bounded: past the bound the sending socket
 * is paused, so TCP backpressure reaches the sender as it would over a real link.
 */
import net from 'node:net';

export interface DelayProxy {
  host: string;
  port: number;
  close(): Promise<void>;
}

export interface DelayProxyOptions {
  /** Address the proxy listens on (the peer address the client is given). */
  host: string;
  target: { host: string; port: number };
  oneWayMs: number;
  /** Cap on target -> client bytes per second (per connection); none when absent. */
  downRateBytesPerSec?: number;
}

const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/** Pipes src into dst with a delay and an optional rate cap. */
function delayedPipe(src: net.Socket, dst: net.Socket, oneWayMs: number, rate: number | undefined): void {
  let queued = 0;
  let nextFree = 0;
  src.on('data', (chunk: Buffer) => {
    const now = performance.now();
    let departure = now;
    if (rate) {
      departure = Math.max(now, nextFree);
      nextFree = departure + (chunk.length * 1000) / rate;
    }
    const arrival = departure + oneWayMs;
    queued += chunk.length;
    if (queued > MAX_QUEUED_BYTES) src.pause();
    const deliver = () => {
      queued -= chunk.length;
      if (!dst.destroyed) dst.write(chunk);
      if (queued <= MAX_QUEUED_BYTES / 2 && src.isPaused()) src.resume();
    };
    const wait = arrival - now;
    if (wait < 1) deliver();
    else setTimeout(deliver, wait);
  });
  src.on('end', () => setTimeout(() => dst.end(), oneWayMs));
}

export async function startDelayProxy(opts: DelayProxyOptions): Promise<DelayProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: opts.target.host, port: opts.target.port, localAddress: opts.host });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      s.on('close', () => {
        sockets.delete(s);
        setTimeout(() => (s === client ? upstream : client).destroy(), opts.oneWayMs);
      });
    }
    delayedPipe(client, upstream, opts.oneWayMs, undefined);
    delayedPipe(upstream, client, opts.oneWayMs, opts.downRateBytesPerSec);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.host, () => resolve());
  });
  return {
    host: opts.host,
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
