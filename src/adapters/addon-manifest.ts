/**
 * A Stremio-style add-on (the addon protocol: /manifest.json and /{resource}/{type}/{id}.json)
 * listing every video file as a "movie" whose one stream is its tokenised /stream URL.
 *
 * Access: Stremio resolves resources relative to the manifest URL and drops any query string,
 * so the credential sits in the path, as the protocol's "configuration" segment does:
 * `/addon/<key>/manifest.json`. The key is an HMAC of the pairing token (read-only: it opens the
 * listing, never the API) and changes when the token is rotated. Loopback and paired clients may
 * use `/addon/manifest.json` without a key.
 */
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Catalog, CatalogTorrent } from '../core/catalog.js';
import type { Auth } from '../server/auth.js';
import { tokensEqual } from '../server/auth-rules.js';
import { baseUrlOf } from '../server/api.js';
import { sendJsonError } from '../server/json-error.js';
import { asMediaFile, countMediaFiles, fileByIndex, mediaClassOf, VIDEO_CLASS, type MediaFile } from './media-files.js';
import type { StreamUrlFor } from './m3u.js';
import { PACKAGE_VERSION } from '../version.js';
import { iso639Part2, subtitleOffers } from '../server/subtitle-offers.js';
import type { ProbeResult } from '../transcode/probe.js';

export const ADDON_ID = 'org.torrentlive.addon';
export const ADDON_CATALOG_ID = 'torrent-live';
export const ADDON_ID_PREFIX = 'tl:';
/** What the add-on key is an HMAC of (never a valid infohash, so never a stream token). */
const ADDON_KEY_SCOPE = 'addon:stremio';

export type AddonAuth = Pick<Auth, 'streamUrl' | 'streamToken' | 'isTrustedRequest' | 'isPairedRequest'>;

export interface AddonManifest {
  id: string;
  version: string;
  name: string;
  description: string;
  resources: string[];
  types: string[];
  catalogs: Array<{ type: string; id: string; name: string; extra: Array<{ name: string; isRequired: boolean }> }>;
  idPrefixes: string[];
  behaviorHints: { configurable: boolean; configurationRequired: boolean };
}

export interface AddonMeta {
  id: string;
  type: 'movie';
  name: string;
  description: string;
  posterShape: 'landscape';
}

/** A subtitle as the add-on protocol carries it: `lang` an ISO 639-2 code Stremio names. */
export interface AddonSubtitle {
  id: string;
  url: string;
  lang: string;
}

export interface AddonStream {
  url: string;
  name: string;
  title: string;
  behaviorHints: { notWebReady: boolean; bingeGroup: string };
  /** WebVTT: the video's own text tracks and the .srt/.vtt files beside it. */
  subtitles?: AddonSubtitle[];
}

export function addonManifest(version: string = PACKAGE_VERSION): AddonManifest {
  return {
    id: ADDON_ID,
    version,
    name: 'torrent-live',
    description: 'Torrents loaded in torrent-live, streamed while they download',
    resources: ['catalog', 'meta', 'stream'],
    types: ['movie'],
    catalogs: [{ type: 'movie', id: ADDON_CATALOG_ID, name: 'torrent-live', extra: [{ name: 'skip', isRequired: false }] }],
    idPrefixes: [ADDON_ID_PREFIX],
    behaviorHints: { configurable: false, configurationRequired: false },
  };
}

export function addonItemId(infoHash: string, index: number): string {
  return `${ADDON_ID_PREFIX}${infoHash.toLowerCase()}:${index}`;
}

export function parseAddonItemId(id: string): { infoHash: string; index: number } | undefined {
  const m = /^tl:([0-9a-f]{40}):(\d{1,9})$/.exec(id);
  return m ? { infoHash: m[1]!, index: Number(m[2]) } : undefined;
}

/** Catalog pages: Stremio asks for the next page with `skip` as the user scrolls. */
export const ADDON_CATALOG_PAGE_SIZE = 100;

interface AddonItem {
  meta: AddonMeta;
  infoHash: string;
  index: number;
  mime: string;
  /** Its torrent's files, to find the subtitles beside it. */
  files: CatalogTorrent['files'];
}

const VIDEO = VIDEO_CLASS;

/** One video file as an add-on item; `videoCount` is how many videos its torrent holds. */
function itemOf(t: CatalogTorrent, f: MediaFile, videoCount: number): AddonItem {
  return {
    infoHash: t.infoHash.toLowerCase(),
    index: f.index,
    mime: f.mime,
    files: t.files,
    meta: {
      id: addonItemId(t.infoHash, f.index),
      type: 'movie' as const,
      name: f.title === t.name || videoCount === 1 ? t.name : `${t.name} — ${f.title}`,
      description: `${f.title} · ${(f.length / 1e6).toFixed(1)} MB · from torrent ${t.name}`,
      posterShape: 'landscape' as const,
    },
  };
}

/** One page of the catalog, `skip` items in; only the page's items are built. */
export function catalogResponse(torrents: readonly CatalogTorrent[], skip = 0): { metas: AddonMeta[] } {
  const metas: AddonMeta[] = [];
  let toSkip = skip;
  for (const t of torrents) {
    if (metas.length >= ADDON_CATALOG_PAGE_SIZE) break;
    const videoCount = countMediaFiles(t, VIDEO);
    if (toSkip >= videoCount) {
      toSkip -= videoCount;
      continue;
    }
    for (const f of t.files) {
      if (mediaClassOf(f.mime) !== VIDEO) continue;
      if (toSkip > 0) {
        toSkip--;
        continue;
      }
      metas.push(itemOf(t, asMediaFile(t, f, VIDEO)!, videoCount).meta);
      if (metas.length >= ADDON_CATALOG_PAGE_SIZE) break;
    }
  }
  return { metas };
}

/** The item an id names, looked up in its own torrent by index. */
function findItem(catalog: Pick<Catalog, 'get'>, baseUrl: string, id: string): AddonItem | undefined {
  const ref = parseAddonItemId(id);
  const torrent = ref && catalog.get(ref.infoHash, baseUrl);
  const file = torrent && fileByIndex(torrent, ref.index);
  const video = file && asMediaFile(torrent, file, VIDEO);
  return video && itemOf(torrent, video, countMediaFiles(torrent, VIDEO));
}

export function metaResponse(catalog: Pick<Catalog, 'get'>, baseUrl: string, id: string): { meta: AddonMeta } | undefined {
  const found = findItem(catalog, baseUrl, id);
  return found && { meta: found.meta };
}

export function streamResponse(catalog: Pick<Catalog, 'get'>, baseUrl: string, id: string, urlFor: StreamUrlFor, probeOf?: (infoHash: string, index: number) => Pick<ProbeResult, 'subtitleTracks'> | undefined): { streams: AddonStream[] } {
  const found = findItem(catalog, baseUrl, id);
  if (!found) return { streams: [] };
  const subtitles = subtitleOffers(found.files, found.index, probeOf?.(found.infoHash, found.index)).map((o, n): AddonSubtitle => ({
    id: `torrent-live-${found.index}-${n}`,
    url: `${urlFor(found.infoHash, o.fileIndex)}&${o.query}`,
    lang: iso639Part2(o.language),
  }));
  return {
    streams: [
      {
        url: urlFor(found.infoHash, found.index),
        name: 'torrent-live',
        title: found.meta.name,
        // Browsers (Stremio Web) play mp4/webm directly; anything else goes through the app's player.
        behaviorHints: { notWebReady: !['video/mp4', 'video/webm'].includes(found.mime), bingeGroup: `torrent-live-${found.infoHash}` },
        ...(subtitles.length ? { subtitles } : {}),
      },
    ],
  };
}

/** The `skip` of a catalog request's extra segment (`skip=100`); anything else is page one. */
export function parseCatalogSkip(extra: string | undefined): number {
  const m = /^skip=(\d{1,9})$/.exec(extra ?? '');
  return m ? Number(m[1]) : 0;
}

export function addonKey(auth: Pick<Auth, 'streamToken'>): string {
  return auth.streamToken(ADDON_KEY_SCOPE, 0);
}

/** The URL to paste into a client that installs add-ons by URL. */
export function addonManifestUrl(auth: Pick<Auth, 'streamToken'>, baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/addon/${addonKey(auth)}/manifest.json`;
}

export function addonRouter(opts: { catalog: Pick<Catalog, 'list' | 'get'>; auth: AddonAuth; baseUrl?: (req: Request) => string; probeOf?: (infoHash: string, index: number) => ProbeResult | undefined }): express.Router {
  const router = express.Router();
  const baseOf = opts.baseUrl ?? baseUrlOf;
  const key = addonKey(opts.auth);
  const cors: RequestHandler = (_req, res, next) => {
    // The protocol requires CORS: web clients fetch add-ons from their own origin.
    res.set({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*', 'Cache-Control': 'no-store' });
    next();
  };
  const keyed: RequestHandler = (req, res, next) => {
    if (tokensEqual((req.params as Record<string, string>)['key'], key)) return next();
    sendJsonError(res, 'E_UNAUTHORIZED', 'this add-on URL has a wrong or outdated key; copy it again from GET /api/addon');
  };
  const local: RequestHandler = (req, res, next) => {
    if (opts.auth.isTrustedRequest(req) || opts.auth.isPairedRequest(req)) return next();
    sendJsonError(res, 'E_UNAUTHORIZED', 'use the add-on URL with its key (GET /api/addon on a paired device shows it)');
  };
  const id = (req: Request): string => (req.params as Record<string, string>)['id'] ?? '';
  const routes: Array<[string, (req: Request, res: Response) => void]> = [
    ['/manifest.json', (_req, res) => void res.json(addonManifest())],
    [`/catalog/movie/${ADDON_CATALOG_ID}.json`, (req, res) => void res.json(catalogResponse(opts.catalog.list(baseOf(req))))],
    [
      `/catalog/movie/${ADDON_CATALOG_ID}/:extra.json`,
      (req, res) => void res.json(catalogResponse(opts.catalog.list(baseOf(req)), parseCatalogSkip((req.params as Record<string, string>)['extra']))),
    ],
    [
      '/meta/movie/:id.json',
      (req, res) => {
        const found = metaResponse(opts.catalog, baseOf(req), id(req));
        if (!found) return sendJsonError(res, 'E_NOT_FOUND', `no item ${id(req)} in torrent-live`);
        res.json(found);
      },
    ],
    [
      '/stream/movie/:id.json',
      (req, res) => {
        const base = baseOf(req);
        res.json(streamResponse(opts.catalog, base, id(req), (h, i) => opts.auth.streamUrl(base, h, i), opts.probeOf));
      },
    ],
  ];
  for (const [path, handler] of routes) {
    router.get(`/addon/:key${path}`, cors, keyed, handler);
    router.get(`/addon${path}`, cors, local, handler);
  }
  router.options(/^\/addon\//, cors, (_req, res) => void res.status(204).end());
  return router;
}
