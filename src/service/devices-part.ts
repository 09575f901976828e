/**
 * TVs: discovery (Chromecast over mDNS, DLNA renderers over SSDP) on `--interface`, the devices
 * API and the cast plan. Owns the discovery and the cast sessions it opens.
 */
import os from 'node:os';
import { pickInterfaceAddress, startDiscovery, type Discovery, type DiscoveryOptions } from '@torrent-live/casting';
import type { Config } from '../config.js';
import type { EventBus } from '../events.js';
import type { TorrentManager } from '../core/torrent-manager.js';
import type { Auth } from '../server/auth.js';
import { castMediaResolver } from '../server/cast-plan.js';
import type { TranscodeHandler } from '../transcode/transcode-route.js';
import { devicesApi } from '../server/devices-api.js';
import type { ProbeCache } from '../transcode/probe-cache.js';
import { interfaceAddress } from './lan-address.js';
import type { ServicePart } from './part.js';
import { httpBase } from '../server/http-base.js';

export type TvDiscoveryOptions = Partial<DiscoveryOptions> & { ssdpPort?: number };

export async function startTvDiscovery(config: Pick<Config, 'interface'>, extra: TvDiscoveryOptions = {}): Promise<Discovery> {
  const address = interfaceAddress(config);
  // multicast-dns joins the group on the interface given; on loopback it must also bind the
  // wildcard, or answers from other 127.x hosts are not received.
  const loopback = address?.startsWith('127.') ? { mdnsSocket: { interface: '127.0.0.1', bind: '0.0.0.0' } } : {};
  return startDiscovery({ ...(address ? { interfaceAddress: address } : {}), ...loopback, ...extra });
}

export interface DevicesPart extends ServicePart {
  readonly discovery: Discovery;
}

export async function startDevicesPart(
  ctx: { config: Readonly<Config>; manager: TorrentManager; auth: Auth; bus: EventBus; probes: ProbeCache; port: () => number; capacityCheck?: Pick<TranscodeHandler, 'capacityCheck'>['capacityCheck'] },
  options: TvDiscoveryOptions,
): Promise<DevicesPart> {
  const discovery = await startTvDiscovery(ctx.config, options);
  // A TV gets URLs on the address of its own subnet; the port is read when a cast happens.
  const baseUrlFor = (deviceAddress: string): string => httpBase(pickInterfaceAddress(os.networkInterfaces(), interfaceAddress(ctx.config), deviceAddress), ctx.port());
  const api = devicesApi({
    discovery,
    media: castMediaResolver({ manager: ctx.manager, streamUrl: (b, h, i) => ctx.auth.streamUrl(b, h, i), baseUrlFor, probes: ctx.probes, bus: ctx.bus, ...(ctx.capacityCheck ? { capacityCheck: ctx.capacityCheck } : {}) }),
    onCast: (device, state) => ctx.bus.emit('cast', { device: device.name, state }),
  });
  return {
    name: 'devices',
    discovery,
    register: (app) => app.apiRoutes(api.router),
    close: async () => {
      await api.closeTargets();
      await discovery.close();
    },
  };
}
