/**
 * Media centers: the DLNA media server (description, ContentDirectory, SSDP announcements on
 * `--interface`), the add-on and M3U routes, and the DLNA headers on /stream. Owns its advertisers.
 */
import os from 'node:os';
import { externalIpv4 } from '@torrent-live/casting';
import type { Config } from '../config.js';
import type { EventBus } from '../events.js';
import { startBackgroundProbes } from './background-probe.js';
import { TorrentLiveError } from '../errors.js';
import type { TorrentManager } from '../core/torrent-manager.js';
import type { StoreLayout } from '../core/store-layout.js';
import { adapterRouters, originalStreamHeaders, startDlnaAdvertiser, type SsdpAdvertiser } from '../adapters/index.js';
import type { Auth } from '../server/auth.js';
import { subtitleOffers } from '../server/subtitle-offers.js';
import type { ProbeCache } from '../transcode/probe-cache.js';
import { announceAddresses, interfaceAddress } from './lan-address.js';
import type { ServicePart } from './part.js';

export interface MediaServerOptions {
  /** Announce the server over SSDP (default true); its HTTP side is served either way. */
  advertise?: boolean;
  /** Tests only: another SSDP port than 1900. */
  ssdpPort?: number;
  /** Probe new torrents' videos for DLNA durations (default true). */
  probeInBackground?: boolean;
}

export function mediaServerPart(
  ctx: { config: Readonly<Config>; store: StoreLayout; bus: EventBus; manager: TorrentManager; auth: Auth; probes: ProbeCache; port: () => number },
  options: MediaServerOptions = {},
): ServicePart {
  // Durations come from the probes a cast or a conversion made, and from a few background
  // probes of each torrent's largest videos when its metadata arrives.
  const prober = options.probeInBackground === false ? undefined : startBackgroundProbes({ bus: ctx.bus, manager: ctx.manager, probes: ctx.probes });
  const durationOf = (infoHash: string, fileIndex: number): number | undefined => ctx.probes.cached(infoHash, fileIndex)?.durationSeconds;
  const probeOf = (infoHash: string, fileIndex: number) => ctx.probes.cached(infoHash, fileIndex);
  const routers = adapterRouters({ catalog: ctx.manager, auth: ctx.auth, stateDir: ctx.store.stateDir, durationOf, probeOf, ...(ctx.config.dlnaName ? { friendlyName: ctx.config.dlnaName } : {}) });
  const advertisers: SsdpAdvertiser[] = [];
  return {
    name: 'media-server',
    register: (app) => {
      routers.publicRouters.forEach((r) => app.publicRoutes(r));
      routers.apiRouters.forEach((r) => app.apiRoutes(r));
      app.streamHeaders((contentType, req) => {
        const { infoHash = '', fileIndex = '' } = req.params as Record<string, string>;
        // The same DLNA profile the listing's <res> claims (probed when known).
        const probe = ctx.probes.cached(infoHash.toLowerCase(), Number(fileIndex));
        // Renderers that ask for captions get the first subtitle (its own track, or the file beside it).
        if (!req.get('getcaptioninfo.sec')) return originalStreamHeaders(contentType, probe);
        const session = ctx.manager.session(infoHash);
        const sub = session ? subtitleOffers(session.files, Number(fileIndex), probe)[0] : undefined;
        const base = `http://${req.get('host') ?? '127.0.0.1'}`;
        return sub && session ? originalStreamHeaders(contentType, probe, { subtitleUrl: `${ctx.auth.streamUrl(base, session.infoHash, sub.fileIndex)}&${sub.query}` }) : originalStreamHeaders(contentType, probe);
      });
    },
    listening: async () => {
      if (options.advertise === false) return;
      const plan = announceAddresses({ host: ctx.config.httpHost, interfaceAddress: interfaceAddress(ctx.config), externals: externalIpv4(os.networkInterfaces()) });
      if (plan.warning) ctx.bus.emit('warning', { message: plan.warning, code: 'W_DLNA_ADDRESS' });
      for (const a of plan.addresses) {
        try {
          advertisers.push(await startDlnaAdvertiser({ interfaceAddress: a, httpPort: ctx.port(), stateDir: ctx.store.stateDir, ...(options.ssdpPort ? { ssdpPort: options.ssdpPort } : {}) }));
        } catch (err) {
          throw new TorrentLiveError('E_BAD_ARGUMENT', `the DLNA server cannot announce itself on ${a}: ${(err as Error).message}; choose the LAN interface with --interface`);
        }
      }
    },
    close: async () => {
      await prober?.close();
      await Promise.all(advertisers.splice(0).map((a) => a.close()));
    },
  };
}
