/**
 * A peer that only wants data: it accepts the client's connection, says it is interested, and
 * keeps sending raw `request` messages for every piece the client announces, whether or not it
 * was unchoked. It counts what comes back, to prove a freerider uploads nothing.
 */
import net from 'node:net';
import crypto from 'node:crypto';
import Wire from 'bittorrent-protocol';
import BitField from 'bitfield';
import DHT from 'bittorrent-dht';

export interface LeechProbe {
  host: string;
  port: number;
  connections: number;
  requestsSent: number;
  piecesReceived: number;
  bytesReceived: number;
  unchokedByClient: boolean;
  close(): Promise<void>;
}

type RawWire = Wire & { _message(id: number, numbers: number[], data: Uint8Array | null): void };

export async function startLeechProbe(opts: { host: string; infoHash: string; pieces: number; bootstrap: string[] }): Promise<LeechProbe> {
  const state = { connections: 0, requestsSent: 0, piecesReceived: 0, bytesReceived: 0, unchokedByClient: false };
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    const wire = new Wire() as RawWire;
    wire.on('error', () => socket.destroy());
    socket.pipe(wire).pipe(socket);
    const clientHas = new Set<number>();
    wire.on('handshake', (infoHash: string) => {
      if (infoHash !== opts.infoHash) return wire.destroy();
      state.connections++;
      wire.handshake(infoHash, crypto.randomBytes(20).toString('hex'), { dht: false });
      wire.bitfield(new BitField(opts.pieces));
      wire.interested();
      const timer = setInterval(() => {
        for (const index of clientHas) {
          // Raw message: bittorrent-protocol's request() refuses while choked, a hostile peer does not.
          wire._message(6, [index, 0, 16384], null);
          state.requestsSent++;
        }
      }, 200);
      timers.add(timer);
      socket.on('close', () => clearInterval(timer));
    });
    wire.on('have', (index: number) => clientHas.add(index));
    wire.on('bitfield', (bits: BitField) => {
      for (let i = 0; i < opts.pieces; i++) if (bits.get(i)) clientHas.add(i);
    });
    wire.on('unchoke', () => (state.unchokedByClient = true));
    wire.on('piece', (_i: number, _o: number, block: Uint8Array) => {
      state.piecesReceived++;
      state.bytesReceived += block.length;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, opts.host, () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  const dht = new DHT({ bootstrap: opts.bootstrap, host: false });
  dht.on('error', () => {});
  await new Promise<void>((resolve) => dht.listen(0, opts.host, () => resolve()));
  await new Promise<void>((resolve) => (dht.ready ? resolve() : dht.once('ready', () => resolve())));
  await new Promise<void>((resolve) => dht.announce(opts.infoHash, port, () => resolve()));
  return {
    host: opts.host,
    port,
    get connections() { return state.connections; },
    get requestsSent() { return state.requestsSent; },
    get piecesReceived() { return state.piecesReceived; },
    get bytesReceived() { return state.bytesReceived; },
    get unchokedByClient() { return state.unchokedByClient; },
    close: async () => {
      timers.forEach(clearInterval);
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => dht.destroy(() => resolve()));
    },
  };
}
