/**
 * Searches for UPnP MediaRenderers with M-SEARCH from each chosen local address (our own dgram
 * sockets, so the multicast interface is the one asked for, loopback included), fetches each
 * description once from the answering host, within size and time limits.
 */
import dgram from 'node:dgram';
import { boundedRequest } from './http-fetch.js';
import { SourceBudget } from './source-budget.js';
import { parseDeviceDescription } from './device-description.js';
import { checkSsdpLocation } from './ssdp-location.js';
import { buildMSearch, MEDIA_RENDERER, parseSsdpAnswer, parseSsdpNotify, SSDP_ADDRESS, SSDP_PORT, udnFromUsn } from './ssdp-message.js';
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
  /** A renderer announced its clean shutdown (ssdp:byebye). */
  onGoodbye?: (id: string) => void;
  onIgnored: (reason: IgnoredAnswer) => void;
  /** Which senders are on the LAN; answers and announcements from anywhere else are ignored. */
  isOnLink?: (address: string) => boolean;
}

/** Renderers (location and UDN pairs) remembered at once: a flood of invented ones cannot grow past it. */
export const MAX_KNOWN_RENDERERS = 512;

type Known = { state: 'pending' } | { state: 'ok'; device: Omit<DeviceInfo, 'lastSeenMs'> } | { state: 'failed'; untilMs: number };

export async function startSsdpBrowser(opts: SsdpBrowserOptions): Promise<Browser> {
  const port = opts.port ?? SSDP_PORT;
  const known = new Map<string, Known>();
  const sockets: dgram.Socket[] = [];
  let closed = false;

  const ignore = (from: string, reason: string): void => opts.onIgnored({ kind: 'dlna', from, reason });
  // Each new answer costs an HTTP fetch to its sender: forged answers must not turn that into a
  // stream of connections aimed at someone else.
  const describeBudget = new SourceBudget({ burst: 4, refillPerSecond: 0.2, maxSources: 256 });

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
    if ((answer.headers['st'] ?? '') !== MEDIA_RENDERER) return;
    sighted(answer.headers['location'], answer.headers['usn'], rinfo.address);
  }

  /** Announcements: a renderer that starts is found at once, one that shuts down leaves at once. */
  function onNotify(message: Buffer, rinfo: dgram.RemoteInfo): void {
    const notify = parseSsdpNotify(message);
    if (!notify || notify.nt !== MEDIA_RENDERER) return;
    if (notify.kind === 'alive') return sighted(notify.location, notify.usn, rinfo.address);
    const udn = udnFromUsn(notify.usn);
    if (!udn) return;
    // Only the renderer's own address may say goodbye for it: another host cannot unlist a TV.
    let own = false;
    for (const [key, entry] of known) {
      if (key.endsWith(`|${udn}`) && entry.state === 'ok' && entry.device.address === rinfo.address) {
        known.delete(key);
        own = true;
      }
    }
    if (own) opts.onGoodbye?.(`dlna:${udn}`);
  }

  function sighted(locationHeader: string | undefined, usn: string | undefined, from: string): void {
    if (opts.isOnLink && !opts.isOnLink(from)) {
      ignore(from, 'not on the subnet of a discovery interface');
      return;
    }
    const check = checkSsdpLocation(locationHeader, from);
    if (!check.ok) {
      ignore(from, check.reason);
      return;
    }
    const key = `${check.url.href}|${udnFromUsn(usn) ?? ''}`;
    const entry = known.get(key);
    if (entry?.state === 'ok') opts.onDevice(entry.device);
    else if (entry?.state === 'pending') return;
    else if (entry?.state === 'failed' && entry.untilMs > Date.now()) return;
    else if (!entry && known.size >= MAX_KNOWN_RENDERERS) ignore(from, `more than ${MAX_KNOWN_RENDERERS} renderers announced`);
    else if (!describeBudget.take(from)) ignore(from, 'too many new announcements from this address');
    else {
      known.set(key, { state: 'pending' });
      void describe(check.url, from, key);
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

  // One listener for announcements on the SSDP port (shared with any other UPnP program through
  // reuseAddr); without it, searches alone still find renderers, only later.
  const listener = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  listener.on('message', onNotify);
  listener.on('error', () => undefined);
  const listening = await new Promise<boolean>((resolve) => {
    listener.once('error', () => resolve(false));
    listener.bind(port, SSDP_ADDRESS, () => resolve(true));
  });
  if (listening) {
    for (const address of opts.localAddresses) {
      try {
        listener.addMembership(SSDP_ADDRESS, address);
      } catch {
        // an interface without multicast: searches still work there
      }
    }
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
      await new Promise<void>((r) => {
        try {
          listener.close(() => r());
        } catch {
          r(); // never bound
        }
      });
    },
  };
}
