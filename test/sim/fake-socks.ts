/**
 * A SOCKS5 server that misbehaves on purpose, on loopback: it refuses every username/password,
 * or answers garbage, or completes UDP ASSOCIATE and then relays garbage. Real sockets, so the
 * product's proxy client is driven as a hostile proxy would drive it. It counts what reached it.
 */
import dgram from 'node:dgram';
import net from 'node:net';

export type FakeSocksMode = 'reject-auth' | 'garbage' | 'udp-garbage';

export interface FakeSocks {
  host: string;
  port: number;
  connections: number;
  datagrams: number;
  close(): Promise<void>;
}

export async function startFakeSocks(host: string, mode: FakeSocksMode): Promise<FakeSocks> {
  const udp = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => udp.bind(0, host, () => resolve()));
  const sockets = new Set<net.Socket>();
  const state = { connections: 0, datagrams: 0 };
  udp.on('message', (_msg, rinfo) => {
    state.datagrams++;
    // Garbage back, of every shape: short, wrong reserved bytes, fragments, truncated names.
    for (const g of [[1], [0, 0, 0, 3, 250, 1], [0, 0, 7, 1, 1, 2, 3, 4, 0, 1, 9], [0, 0, 0, 1, 1, 2, 3, 4, 0, 1, 0x64, 0x65], [0, 0, 0, 4, 1]]) udp.send(Buffer.from(g), rinfo.port, rinfo.address);
  });
  const server = net.createServer((s) => {
    state.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let stage = 0;
    s.on('data', (d) => {
      if (mode === 'garbage') return void s.write(Buffer.from([7, 255, 0, 3, 255, ...Buffer.from('garbage')]));
      if (stage === 0) {
        stage = 1;
        // Greeting: ask for username/password if offered, else no authentication.
        return void s.write(Buffer.from([5, d.includes(2) ? 2 : 0]));
      }
      if (mode === 'reject-auth' && stage === 1 && d[0] === 1) {
        return void s.end(Buffer.from([1, 1]));
      }
      if (stage === 1 && d[0] === 1) {
        stage = 2;
        return void s.write(Buffer.from([1, 0]));
      }
      const command = d[1];
      if (command === 3) {
        const port = udp.address().port;
        return void s.write(Buffer.from([5, 0, 0, 1, ...host.split('.').map(Number), port >> 8, port & 255]));
      }
      // CONNECT: a reply that claims success with an address type nobody knows, then junk.
      s.write(Buffer.from([5, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return {
    host,
    port: (server.address() as net.AddressInfo).port,
    get connections() {
      return state.connections;
    },
    get datagrams() {
      return state.datagrams;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    },
  };
}
