/**
 * Remote ends for the uTP transport's tests, each on its own loopback address: a real uTP peer
 * (utp-native's server), a host that never answers, and one that answers every ST_SYN with
 * ST_RESET (what a uTP stack may do for a port nobody listens on; libutp and libtorrent stay silent).
 */
import dgram from 'node:dgram';
import utpNative, { type Connection } from 'utp-native';
import { decodeUtpHeader, encodeUtpHeader, ST_RESET, ST_SYN } from './utp-packets.js';

export interface UtpServer {
  host: string;
  port: number;
  /** Every connection accepted so far, with the address it came from. */
  accepted: Array<{ host: string; port: number }>;
  close(): Promise<void>;
}

/**
 * A utp-native server; `onConnection` gets each accepted connection. close() destroys them and
 * waits at most `closeWaitMs` for libutp's FIN exchanges (the socket closes after its last one).
 */
export async function startUtpServer(host: string, onConnection: (c: Connection) => void, closeWaitMs = 1_500): Promise<UtpServer> {
  const server = utpNative.createServer();
  const accepted: UtpServer['accepted'] = [];
  server.on('connection', (c) => {
    accepted.push({ host: c.remoteAddress, port: c.remotePort });
    c.on('error', () => {});
    onConnection(c);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  // As our transport does (UDP_BUFFER_BYTES): with Linux's default buffer the upload tests crawl.
  server.setRecvBufferSize(4 * 1024 * 1024);
  server.setSendBufferSize(4 * 1024 * 1024);
  return {
    host,
    port: server.address().port,
    accepted,
    async close() {
      for (const c of [...server.connections]) c.destroy();
      let closed = false;
      const whenClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([whenClosed.then(() => (closed = true)), new Promise<void>((r) => (timer = setTimeout(r, closeWaitMs)))]);
      clearTimeout(timer);
      // Still waiting on a FIN to a vanished peer: let it finish without holding the process.
      // (After 'close' utp-native's handle is gone and unref() would throw.)
      if (!closed) server.unref();
    },
  };
}

/** Serves `data` to each connection after its first bytes (a request), then ends. */
export function serveBytes(data: Uint8Array): (c: Connection) => void {
  return (c) => {
    let sent = false;
    c.on('data', () => {
      if (sent) return;
      sent = true;
      c.write(data);
      c.end();
    });
  };
}

export interface UdpHost {
  host: string;
  port: number;
  /** Datagrams received so far, with their source. */
  received: Array<{ msg: Buffer; from: { host: string; port: number } }>;
  close(): Promise<void>;
}

/** A UDP socket that reads everything and answers nothing: a host behind a dropping firewall. */
export function startSilentHost(host: string): Promise<UdpHost> {
  return startUdpHost(host, () => {});
}

/** Answers each ST_SYN with the ST_RESET libutp treats as a refusal (UTP_ECONNREFUSED). */
export function startRefusingPeer(host: string): Promise<UdpHost> {
  return startUdpHost(host, (msg, reply) => {
    const h = decodeUtpHeader(msg);
    if (h?.version !== 1 || h.type !== ST_SYN) return;
    // The ST_SYN carries the dialer's receive id; a reset for it names that same id.
    reply(encodeUtpHeader({ type: ST_RESET, connectionId: h.connectionId, seqNr: 1, ackNr: h.seqNr }));
  });
}

async function startUdpHost(host: string, onMessage: (msg: Buffer, reply: (b: Buffer) => void) => void): Promise<UdpHost> {
  const socket = dgram.createSocket('udp4');
  const received: UdpHost['received'] = [];
  socket.on('message', (msg, rinfo) => {
    received.push({ msg, from: { host: rinfo.address, port: rinfo.port } });
    onMessage(msg, (b) => socket.send(b, rinfo.port, rinfo.address));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  return {
    host,
    port: socket.address().port,
    received,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
