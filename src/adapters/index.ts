/**
 * Media-center sources: DLNA media server (HTTP + SSDP), M3U playlist, .strm export and a
 * Stremio-style add-on. The service mounts the routers; the CLI starts the SSDP advertiser.
 */
import type { Router } from 'express';
import type { Catalog } from '../core/catalog.js';
import { addonRouter, type AddonAuth } from './addon-manifest.js';
import { adapterApiRouter } from './api-routes.js';
import { dlnaRouter, type AdapterLog } from './dlna-server.js';
import { startSsdpAdvertiser, type SsdpAdvertiser } from './ssdp-advertiser.js';
import { loadOrCreateUdn } from './udn.js';
import type { ProbeResult } from '../transcode/probe.js';

export { exportStrm } from './strm.js';
export { exportStrmFromService } from './strm-export-cli.js';
export { type AdapterLog } from './dlna-server.js';
export { originalStreamHeaders } from './dlna-resources.js';
export { addonManifestUrl } from './addon-manifest.js';
export type { SsdpAdvertiser } from './ssdp-advertiser.js';

export interface AdapterRouterOptions {
  catalog: Catalog;
  auth: AddonAuth;
  stateDir: string;
  friendlyName?: string;
  durationOf?: (infoHash: string, fileIndex: number) => number | undefined;
  probeOf?: (infoHash: string, fileIndex: number) => ProbeResult | undefined;
}

export interface AdapterRouters {
  /** Reachable without pairing (behind the Host check): DLNA descriptions/SOAP, the keyed add-on. */
  publicRouters: Router[];
  /** Behind pairing: /api/playlist.m3u, /api/addon. */
  apiRouters: Router[];
}

export function adapterRouters(opts: AdapterRouterOptions): AdapterRouters {
  const dlna = dlnaRouter({
    catalog: opts.catalog,
    streamUrl: (b, h, i) => opts.auth.streamUrl(b, h, i),
    udn: loadOrCreateUdn(opts.stateDir),
    ...(opts.friendlyName ? { friendlyName: opts.friendlyName } : {}),
    ...(opts.durationOf ? { durationOf: opts.durationOf } : {}),
    ...(opts.probeOf ? { probeOf: opts.probeOf } : {}),
  });
  return {
    publicRouters: [dlna, addonRouter({ catalog: opts.catalog, auth: opts.auth, ...(opts.probeOf ? { probeOf: opts.probeOf } : {}) })],
    apiRouters: [adapterApiRouter({ catalog: opts.catalog, auth: opts.auth, ...(opts.durationOf ? { durationOf: opts.durationOf } : {}) })],
  };
}

export interface DlnaAdvertiserOptions {
  interfaceAddress: string;
  httpPort: number;
  stateDir: string;
  log?: AdapterLog;
  /** Tests only. */
  ssdpPort?: number;
}

/** SSDP for the DLNA server, with the same UDN the description carries. */
export function startDlnaAdvertiser(opts: DlnaAdvertiserOptions): Promise<SsdpAdvertiser> {
  return startSsdpAdvertiser({
    interfaceAddress: opts.interfaceAddress,
    httpPort: opts.httpPort,
    udn: loadOrCreateUdn(opts.stateDir),
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.ssdpPort ? { ssdpPort: opts.ssdpPort } : {}),
  });
}
