/**
 * Everything the service shows to the LAN besides its own routes: TV discovery and the devices
 * API, the DLNA media server and its SSDP advertiser, the media-center routes, the transcoder and
 * the DLNA stream headers. The CLI modes and the browser tests build the service through here, so
 * what they test is what users run.
 */
import os from 'node:os';
import type { Router } from 'express';
import { externalIpv4, pickInterfaceAddress, startDiscovery, dlnaStreamHeaders, type Discovery, type DiscoveryOptions } from '../casting/src/index.js';
import type { Config } from './config.js';
import { TorrentLiveError } from './errors.js';
import { adapterRouters, startDlnaAdvertiser, type AdapterRouters, type SsdpAdvertiser } from './adapters/index.js';
import type { Service, ServiceParts } from './service.js';
import type { TorrentManager } from './core/torrent-manager.js';
import { storeLayout } from './core/store-layout.js';
import type { Auth } from './server/auth.js';
import { castMediaResolver } from './server/cast-plan.js';
import { findSubtitles } from './server/cast-media.js';
import { devicesApiRouter, type DevicesRouter } from './server/devices-api.js';
import { createTranscodeHandler, defaultFfprobePath } from './transcode/transcode-route.js';
import { ProbeCache } from './transcode/probe-cache.js';
import { decisionFields } from './transcode/decide.js';
import { webRemoteRouter } from './web/router.js';

/** The one address `--interface` names, or undefined for "every non-internal IPv4". */
export function interfaceAddress(config: Readonly<Config>): string | undefined {
  if (!config.interface) return undefined;
  try {
    return pickInterfaceAddress(os.networkInterfaces(), config.interface);
  } catch (err) {
    throw new TorrentLiveError('E_BAD_ARGUMENT', `--interface: ${(err as Error).message}`);
  }
}

export async function startTvDiscovery(config: Readonly<Config>, extra: Partial<DiscoveryOptions> & { ssdpPort?: number } = {}): Promise<Discovery> {
  const address = interfaceAddress(config);
  // multicast-dns joins the group on the interface given; on loopback it must also bind the
  // wildcard, or answers from other 127.x hosts are not received.
  const loopback = address?.startsWith('127.') ? { mdnsSocket: { interface: '127.0.0.1', bind: '0.0.0.0' } } : {};
  return startDiscovery({ ...(address ? { interfaceAddress: address } : {}), ...loopback, ...extra });
}

export interface LanParts {
  parts: ServiceParts;
  devices: () => DevicesRouter | undefined;
  /** Cast URLs carry the HTTP port, known only once the service listens. */
  listening(port: number): void;
}

export function lanServiceParts(config: Readonly<Config>, opts: { discovery?: Discovery; webRemote?: boolean }): LanParts {
  const { stateDir } = storeLayout(config.storeDir);
  let devices: DevicesRouter | undefined;
  let port = 0;
  // One set of ffprobe answers for casting, transcoding and the DLNA listings' durations
  // (nothing is probed just for a listing).
  const probes = new ProbeCache({ ffprobePath: defaultFfprobePath(config.ffmpegPath ?? 'ffmpeg') });
  const durationOf = (infoHash: string, fileIndex: number): number | undefined => probes.cached(infoHash, fileIndex)?.durationSeconds;
  const baseUrlFor = (deviceAddress: string): string => `http://${pickInterfaceAddress(os.networkInterfaces(), interfaceAddress(config), deviceAddress)}:${port}`;
  // These parts serve one service: the public and the paired halves of the adapters come from one
  // build (one UDN read, one add-on router).
  let adapters: AdapterRouters | undefined;
  const adaptersFor = (ctx: { manager: TorrentManager; auth: Auth }): AdapterRouters =>
    (adapters ??= adapterRouters({ catalog: ctx.manager, auth: ctx.auth, stateDir, durationOf }));
  const parts: ServiceParts = {
    pageRouters: opts.webRemote === false ? [] : [webRemoteRouter()],
    publicRouters: (ctx) => adaptersFor(ctx).publicRouters,
    apiRouters: (ctx) => {
      const routers: Router[] = [...adaptersFor(ctx).apiRouters];
      if (opts.discovery) {
        devices = devicesApiRouter({
          discovery: opts.discovery,
          media: castMediaResolver({ manager: ctx.manager, streamUrl: (b, h, i) => ctx.auth.streamUrl(b, h, i), baseUrlFor, probes, bus: ctx.bus }),
          onCast: (device, state) => ctx.bus.emit('cast', { device: device.name, state }),
        });
        routers.push(devices);
      }
      return routers;
    },
    streamHeaders: (ctx) => (contentType, req) => {
      // Renderers that ask for captions get the first subtitle next to the video.
      if (!req.get('getcaptioninfo.sec')) return dlnaStreamHeaders(contentType);
      const { infoHash = '', fileIndex = '' } = req.params as Record<string, string>;
      const session = ctx.manager.session(infoHash);
      const sub = session ? findSubtitles(session.files, Number(fileIndex))[0] : undefined;
      const base = `http://${req.get('host') ?? '127.0.0.1'}`;
      return sub && session ? dlnaStreamHeaders(contentType, { subtitleUrl: `${ctx.auth.streamUrl(base, session.infoHash, sub.index)}&format=vtt` }) : dlnaStreamHeaders(contentType);
    },
    transcode: (ctx) =>
      createTranscodeHandler({
        ...(config.ffmpegPath ? { ffmpegPath: config.ffmpegPath } : {}),
        probes,
        onDecision: (r) => ctx.bus.emit('transcode', { infoHash: r.infoHash, fileIndex: r.fileIndex, device: r.device, startSeconds: r.startSeconds, ...decisionFields(r.decision) }),
      })(ctx),
  };
  return {
    parts,
    devices: () => devices,
    listening: (p) => {
      port = p;
    },
  };
}

/** SSDP for the DLNA media server, on --interface or every non-internal IPv4. */
export async function startMediaServerAdvertisers(config: Readonly<Config>, service: Pick<Service, 'http'>): Promise<SsdpAdvertiser[]> {
  const address = interfaceAddress(config);
  const addresses = address ? [address] : externalIpv4(os.networkInterfaces());
  const started: SsdpAdvertiser[] = [];
  for (const a of addresses) {
    try {
      started.push(await startDlnaAdvertiser({ interfaceAddress: a, httpPort: service.http.port, stateDir: storeLayout(config.storeDir).stateDir }));
    } catch (err) {
      await Promise.all(started.map((s) => s.close()));
      throw new TorrentLiveError('E_BAD_ARGUMENT', `the DLNA server cannot announce itself on ${a}: ${(err as Error).message}; choose the LAN interface with --interface`);
    }
  }
  return started;
}
