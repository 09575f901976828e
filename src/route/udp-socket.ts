/**
 * The one UDP socket shape the DHT side uses (KRPC: the lookup, probes, the crawler). A socket is
 * obtained only from a UdpOpener, which the composition root chooses once from --proxy/--bind
 * (torrent-route.ts): no DHT module can open a UDP socket of its own.
 */
import dgram from 'node:dgram';

export interface UdpSocket {
  send(msg: Buffer, port: number, host: string, callback?: (err: Error | null) => void): void;
  on(event: 'message', listener: (msg: Buffer, rinfo: { address: string; port: number }) => void): unknown;
  address(): { address: string; port: number };
  close(callback?: () => void): void;
}

/** Opens a UDP socket on the route in use (port 0: any). */
export type UdpOpener = (port: number) => Promise<UdpSocket>;

/** A plain UDP socket on `address` (undefined: every IPv4 address). */
export async function openDirectUdp(address: string | undefined, port: number, onError?: (err: Error) => void): Promise<UdpSocket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', (err) => onError?.(err));
  return socket;
}
