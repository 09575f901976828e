/**
 * Searches for UPnP MediaRenderers with M-SEARCH from each chosen local address (our own dgram
 * sockets, so the multicast interface is the one asked for, loopback included), fetches each
 * description once from the answering host, within size and time limits.
 */
import dgram from 'node:dgram';
import { boundedRequest } from './http-fetch.js';
import { parseDeviceDescription } from './device-description.js';
import { checkSsdpLocation } from './ssdp-location.js';
import { buildMSearch, MEDIA_RENDERER, parseSsdpAnswer, SSDP_ADDRESS, SSDP_PORT, udnFromUsn } from './ssdp-message.js';
import { buildSoapRequest, parseSoapResponse, SERVICE_CONNECTION_MANAGER } from './soap.js';
import type { Browser } from './mdns-browser.js';
import type { DeviceInfo, IgnoredAnswer } from './types.js';

export interface SsdpBrowserOptions {
  localAddresses: string[];
  port?: number;
  intervalMs: number;
  descriptionTimeoutMs: number;
  descriptionMaxBytes: number;
  onDevice: (device: Omit<DeviceInfo, 'lastSeenMs'>) => void;
  onIgnored: (reason: IgnoredAnswer) => void;
}

type Known = { state: 'pending' } | { state: 'ok'; device: Omit<DeviceInfo, 'lastSeenMs'> } | { state: 'failed'; untilMs: number };

export async function startSsdpBrowser(opts: SsdpBrowserOptions): Promise<Browser> {
  const port = opts.port ?? SSDP_PORT;
  const known = new Map<string, Known>();
  const sockets: dgram.Socket[] = [];
  let closed = false;

  const ignore = (from: string, reason: string): void => opts.onIgnored({ kind: 'dlna', from, reason });

  async function describe(location: URL, from: string, key: string): Promise<void> {
    try {
      const res = await boundedRequest({ url: location.href, timeoutMs: opts.descriptionTimeoutMs, maxBytes: opts.descriptionMaxBytes });
      if (res.status !== 200) throw new Error(`description answered HTTP ${res.status}`);
      const desc = parseDeviceDescription(res.body, location, from, opts.descriptionMaxBytes);
      const device: Omit<DeviceInfo, 'lastSeenMs'> = {
        id: `dlna:${desc.udn}`,
        name: desc.friendlyName,
        kind: 'dlna',
        address: from,
        port: Number(location.port || 80),
        controlUrls: desc.controlUrls,
        ...(desc.modelName ? { model: desc.modelName } : {}),
      };
      const sinks = desc.controlUrls.connectionManager ? await sinkProtocols(desc.controlUrls.connectionManager) : undefined;
      if (sinks) device.sinkProtocols = sinks;
      if (closed) return;
      known.set(key, { state: 'ok', device });
      opts.onDevice(device);
    } catch (err) {
      known.set(key, { state: 'failed', untilMs: Date.now() + 30_000 });
      ignore(from, `description ${location.href} refused: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async function sinkProtocols(controlUrl: string): Promise<string[] | undefined> {
    try {
      const { body, headers } = buildSoapRequest(SERVICE_CONNECTION_MANAGER, 'GetProtocolInfo', []);
      const res = await boundedRequest({ url: controlUrl, method: 'POST', headers, body, timeoutMs: opts.descriptionTimeoutMs, maxBytes: opts.descriptionMaxBytes });
      const parsed = parseSoapResponse(res.body, 'GetProtocolInfo', opts.descriptionMaxBytes);
      if (!parsed.ok) return undefined;
      return (parsed.values.Sink ?? '').split(',').map((s) => s.trim()).filter(Boolean).slice(0, 1000);
    } catch {
      return undefined; // optional information: a renderer without it still plays
    }
  }

  function onMessage(message: Buffer, rinfo: dgram.RemoteInfo): void {
    const answer = parseSsdpAnswer(message);
    if (!answer || answer.status !== 200) return;
    const st = answer.headers.ST ?? '';
    if (st !== MEDIA_RENDERER) return;
    const check = checkSsdpLocation(answer.headers.LOCATION, rinfo.address);
    if (!check.ok) {
      ignore(rinfo.address, check.reason);
      return;
    }
    const key = `${check.url.href}|${udnFromUsn(answer.headers.USN) ?? ''}`;
    const entry = known.get(key);
    if (entry?.state === 'ok') opts.onDevice(entry.device);
    else if (entry?.state === 'pending') return;
    else if (entry?.state === 'failed' && entry.untilMs > Date.now()) return;
    else {
      known.set(key, { state: 'pending' });
      void describe(check.url, rinfo.address, key);
    }
  }

  for (const address of opts.localAddresses) {
    const socket = dgram.createSocket({ type: 'udp4' });
    socket.on('message', onMessage);
    socket.on('error', () => undefined); // a failing send on one interface must not stop the others
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => {
        socket.removeListener('error', reject);
        resolve();
      });
    }).catch((err: Error) => {
      socket.close();
      throw new Error(`SSDP socket on ${address} failed (${err.message}); pass --interface with an address of this machine`);
    });
    socket.setMulticastInterface(address);
    socket.setMulticastTTL(2);
    sockets.push(socket);
  }

  const search = (): void => {
    const msg = buildMSearch(MEDIA_RENDERER, 1, port);
    for (const s of sockets) s.send(msg, port, SSDP_ADDRESS);
  };
  search();
  // UDP may drop the first search: a second one shortly after, then the steady interval.
  const retry = setTimeout(search, 250);
  const timer = setInterval(search, opts.intervalMs);
  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      clearInterval(timer);
      await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
