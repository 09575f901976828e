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

/** Enough for 300 MB/s at 100 ms one way: the proxy must not be the bottleneck it simulates. */
const MAX_QUEUED_BYTES = 32 * 1024 * 1024;

/**
 * Pipes src into dst with a delay and an optional rate cap. One FIFO and one timer per direction:
 * separate timers per chunk could fire out of order and scramble the stream.
 */
function delayedPipe(src: net.Socket, dst: net.Socket, oneWayMs: number, rate: number | undefined): void {
  const queue: Array<{ at: number; chunk: Buffer | null }> = [];
  let queued = 0;
  let nextFree = 0;
  let timer: NodeJS.Timeout | null = null;
  const pump = () => {
    timer = null;
    const now = performance.now();
    while (queue.length && queue[0]!.at <= now + 0.5) {
      const { chunk } = queue.shift()!;
      if (chunk === null) {
        dst.end();
        continue;
      }
      queued -= chunk.length;
      if (!dst.destroyed) dst.write(chunk);
    }
    if (queued <= MAX_QUEUED_BYTES / 2 && src.isPaused()) src.resume();
    if (queue.length) timer = setTimeout(pump, Math.max(0, queue[0]!.at - now));
  };
  const push = (at: number, chunk: Buffer | null) => {
    queue.push({ at, chunk });
    if (!timer) timer = setTimeout(pump, Math.max(0, queue[0]!.at - performance.now()));
  };
  src.on('data', (chunk: Buffer) => {
    const now = performance.now();
    let departure = now;
    if (rate) {
      departure = Math.max(now, nextFree);
      nextFree = departure + (chunk.length * 1000) / rate;
    }
    queued += chunk.length;
    if (queued > MAX_QUEUED_BYTES) src.pause();
    push(departure + oneWayMs, chunk);
  });
  src.on('end', () => push(Math.max(performance.now(), nextFree) + oneWayMs, null));
  dst.on('close', () => timer && clearTimeout(timer));
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
