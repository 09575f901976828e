/** One continuous device list for both kinds: mDNS for Chromecasts, SSDP for DLNA renderers. */
import os from 'node:os';
import { DeviceRegistry } from './device-registry.js';
import { externalIpv4, onLinkOf } from './interfaces.js';
import { startMdnsBrowser, type Browser } from './mdns-browser.js';
import { startSsdpBrowser } from './ssdp-browser.js';
import { CastError, type DeviceInfo, type Discovery, type DiscoveryOptions } from './types.js';

export interface DiscoveryTestOptions extends DiscoveryOptions {
  /** Only for tests: the SSDP port (the multicast group stays 239.255.255.250). */
  ssdpPort?: number;
}

export async function startDiscovery(opts: DiscoveryTestOptions = {}): Promise<Discovery> {
  const now = opts.now ?? Date.now;
  const searchIntervalMs = opts.searchIntervalMs ?? 5000;
  const expireAfterMs = opts.expireAfterMs ?? Math.max(3 * searchIntervalMs, 15_000);
  const registry = new DeviceRegistry(expireAfterMs, now);
  const browsers: Browser[] = [];
  const onIgnored = opts.onIgnored ?? (() => undefined);
  try {
    if (opts.chromecast !== false) {
      const socket = opts.mdnsSocket ?? (opts.interfaceAddress ? { interface: opts.interfaceAddress } : {});
      browsers.push(await startMdnsBrowser({ socket, intervalMs: searchIntervalMs, now, onDevice: (d) => registry.seen(d), onGoodbye: (id) => registry.remove(id) }));
    }
    if (opts.dlna !== false) {
      const localAddresses = opts.interfaceAddress ? [opts.interfaceAddress] : externalIpv4(os.networkInterfaces());
      if (localAddresses.length > 0) {
        browsers.push(
          await startSsdpBrowser({
            localAddresses,
            ...(opts.ssdpPort !== undefined ? { port: opts.ssdpPort } : {}),
            intervalMs: searchIntervalMs,
            descriptionTimeoutMs: opts.descriptionTimeoutMs ?? 3000,
            descriptionMaxBytes: opts.descriptionMaxBytes ?? 256 * 1024,
            onDevice: (d) => registry.seen(d),
            onGoodbye: (id) => registry.remove(id),
            onIgnored,
            isOnLink: onLinkOf(os.networkInterfaces(), localAddresses),
          }),
        );
      }
    }
  } catch (err) {
    await Promise.all(browsers.map((b) => b.close()));
    throw err;
  }
  const sweep = setInterval(() => registry.expire(), Math.max(100, Math.min(1000, expireAfterMs / 4)));

  return {
    devices: () => registry.list(),
    find: (idOrName) => registry.find(idOrName),
    waitFor: (idOrName, timeoutMs) =>
      new Promise<DeviceInfo>((resolve, reject) => {
        const found = registry.find(idOrName);
        if (found) return resolve(found);
        const timer = setTimeout(() => {
          off();
          const names = registry.list().map((d) => `${d.name} (${d.id})`).join(', ') || 'none';
          reject(new CastError('E_DEVICE_NOT_FOUND', `no device "${idOrName}" found within ${timeoutMs} ms; devices seen: ${names}`));
        }, timeoutMs);
        const off = registry.onChange(() => {
          const d = registry.find(idOrName);
          if (d) {
            clearTimeout(timer);
            off();
            resolve(d);
          }
        });
      }),
    onChange: (listener) => registry.onChange(listener),
    close: async () => {
      clearInterval(sweep);
      await Promise.all(browsers.map((b) => b.close()));
    },
  };
}
