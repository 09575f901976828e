/**
 * Fake SSDP renderers on loopback: one multicast listener on the (test) SSDP port answers each
 * M-SEARCH for MediaRenderer from every configured host's own address, with that host's LOCATION.
 */
import dgram from 'node:dgram';

export interface FakeSsdpAnswer { from: string; location: string; usn: string }

export interface FakeSsdp { searches(): number; close(): Promise<void> }

export async function startFakeSsdp(port: number, answers: FakeSsdpAnswer[]): Promise<FakeSsdp> {
  let searches = 0;
  const listener = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const senders = new Map<string, dgram.Socket>();
  for (const a of answers) {
    if (senders.has(a.from)) continue;
    const s = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, a.from, () => resolve()));
    senders.set(a.from, s);
  }
  listener.on('message', (msg, rinfo) => {
    const text = msg.toString();
    if (!text.startsWith('M-SEARCH') || !/ST: urn:schemas-upnp-org:device:MediaRenderer:1/i.test(text)) return;
    searches += 1;
    for (const a of answers) {
      const reply = Buffer.from(['HTTP/1.1 200 OK', 'CACHE-CONTROL: max-age=100', 'EXT:', `LOCATION: ${a.location}`, 'SERVER: Fake/1.0 UPnP/1.0', 'ST: urn:schemas-upnp-org:device:MediaRenderer:1', `USN: ${a.usn}::urn:schemas-upnp-org:device:MediaRenderer:1`, '', ''].join('\r\n'));
      senders.get(a.from)!.send(reply, rinfo.port, rinfo.address);
    }
  });
  await new Promise<void>((resolve) => listener.bind(port, '0.0.0.0', () => resolve()));
  listener.addMembership('239.255.255.250', '127.0.0.1');
  return {
    searches: () => searches,
    close: async () => {
      await Promise.all([listener, ...senders.values()].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
