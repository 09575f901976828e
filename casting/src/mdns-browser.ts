/** Browses `_googlecast._tcp` over mDNS, re-querying every `intervalMs`. */
import makeMdns from 'multicast-dns';
import type { RemoteInfo } from 'node:dgram';
import { chromecastsFromRecords, GOOGLECAST_SERVICE, type MdnsRecord } from './mdns-record.js';
import type { DeviceInfo } from './types.js';

export interface MdnsBrowserOptions {
  socket: { interface?: string; bind?: string; port?: number };
  intervalMs: number;
  now: () => number;
  onDevice: (device: Omit<DeviceInfo, 'lastSeenMs'>) => void;
  onGoodbye: (id: string) => void;
}

export interface Browser { close(): Promise<void> }

export function startMdnsBrowser(opts: MdnsBrowserOptions): Promise<Browser> {
  const mdns = makeMdns({ ...opts.socket, reuseAddr: true, loopback: true });
  const query = (): void => mdns.query({ questions: [{ name: GOOGLECAST_SERVICE, type: 'PTR' }] });
  mdns.on('response', (packet: { answers?: MdnsRecord[]; additionals?: MdnsRecord[] }, rinfo: RemoteInfo) => {
    const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])].slice(0, 200);
    for (const { device, ttl } of chromecastsFromRecords(records, rinfo.address, opts.now())) {
      if (ttl === 0) opts.onGoodbye(device.id);
      else {
        const { lastSeenMs: _ignored, ...rest } = device;
        opts.onDevice(rest);
      }
    }
  });
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(new Error(`mDNS socket failed (${err.message}); pass --interface with an address of this machine`));
    mdns.once('error', onError);
    mdns.once('ready', () => {
      mdns.removeListener('error', onError);
      mdns.on('error', () => undefined); // later send errors (e.g. interface gone) must not crash; the next query retries
      query();
      const timer = setInterval(query, opts.intervalMs);
      resolve({
        close: () =>
          new Promise<void>((done) => {
            clearInterval(timer);
            mdns.destroy(() => done());
          }),
      });
    });
  });
}
