/**
 * ContentDirectory:1 Browse over the catalog, pure. Object ids:
 *   `0` the root · `t:<infoHash>` one folder per torrent · `f:<infoHash>:<index>` one media file.
 */
import type { CatalogTorrent } from '../core/catalog.js';
import { didlLite, UPNP_ERRORS, UpnpError, type DidlContainer, type DidlItem, type DidlObject } from '@torrent-live/casting';
import { asMediaFile, countMediaFiles, fileByIndex, mediaPositions, VIDEO_CLASS, type MediaFile } from './media-files.js';
import { itemResources, withQuery } from './dlna-resources.js';
import { subtitleOffers } from '../server/subtitle-offers.js';
import type { ProbeResult } from '../transcode/probe.js';

export type ObjectRef = { kind: 'root' } | { kind: 'torrent'; infoHash: string } | { kind: 'file'; infoHash: string; index: number };

export const ROOT_ID = '0';

export function torrentObjectId(infoHash: string): string {
  return `t:${infoHash.toLowerCase()}`;
}

export function fileObjectId(infoHash: string, index: number): string {
  return `f:${infoHash.toLowerCase()}:${index}`;
}

export function parseObjectId(id: string): ObjectRef | undefined {
  if (id === ROOT_ID) return { kind: 'root' };
  const t = /^t:([0-9a-f]{40})$/.exec(id);
  if (t) return { kind: 'torrent', infoHash: t[1]! };
  const f = /^f:([0-9a-f]{40}):(\d{1,9})$/.exec(id);
  if (f) return { kind: 'file', infoHash: f[1]!, index: Number(f[2]) };
  return undefined;
}

export interface BrowseRequest {
  objectId: string;
  browseFlag: 'BrowseDirectChildren' | 'BrowseMetadata';
  startingIndex: number;
  /** 0 means "all" (ContentDirectory:1 §2.7.4.2). */
  requestedCount: number;
}

export interface BrowseResult {
  result: string;
  numberReturned: number;
  totalMatches: number;
  updateId: number;
}

export interface CatalogSnapshot {
  torrents: readonly CatalogTorrent[];
  updateId: number;
}

export interface BrowseContext {
  /** The URL a DLNA client plays (tokenised: the client cannot pair). */
  urlFor(infoHash: string, index: number): string;
  /** Duration in seconds when known (e.g. probed once the file is complete). */
  durationOf?(infoHash: string, index: number): number | undefined;
  /** What ffprobe said about the file, when it has been probed: real DLNA profiles, the conversion's. */
  probeOf?(infoHash: string, index: number): ProbeResult | undefined;
}

const UINT = /^\d{1,10}$/;

/** Reads Browse arguments; a missing or malformed one is UPnP 402 Invalid Args. */
export function parseBrowseArgs(args: Record<string, string>): BrowseRequest {
  const objectId = args['ObjectID'];
  const flag = args['BrowseFlag'];
  const start = args['StartingIndex'] ?? '0';
  const count = args['RequestedCount'] ?? '0';
  if (objectId === undefined) throw new UpnpError(UPNP_ERRORS.INVALID_ARGS, 'Browse needs an ObjectID');
  if (flag !== 'BrowseDirectChildren' && flag !== 'BrowseMetadata') throw new UpnpError(UPNP_ERRORS.INVALID_ARGS, `BrowseFlag must be BrowseDirectChildren or BrowseMetadata, not ${flag ?? 'missing'}`);
  if (!UINT.test(start) || !UINT.test(count)) throw new UpnpError(UPNP_ERRORS.INVALID_ARGS, 'StartingIndex and RequestedCount must be unsigned integers');
  return { objectId, browseFlag: flag, startingIndex: Number(start), requestedCount: Number(count) };
}

export function browse(snapshot: CatalogSnapshot, req: BrowseRequest, ctx: BrowseContext): BrowseResult {
  const ref = parseObjectId(req.objectId);
  const missing = (): never => {
    throw new UpnpError(UPNP_ERRORS.NO_SUCH_OBJECT, `no object ${req.objectId}`);
  };
  if (!ref) return missing();
  const torrentOf = (infoHash: string): CatalogTorrent => snapshot.torrents.find((t) => t.infoHash.toLowerCase() === infoHash) ?? missing();

  let all: DidlObject[];
  if (req.browseFlag === 'BrowseMetadata') {
    if (ref.kind === 'root') {
      all = [{ kind: 'container', id: ROOT_ID, parentId: '-1', title: 'torrent-live', childCount: snapshot.torrents.length }];
    } else if (ref.kind === 'torrent') {
      all = [torrentContainer(torrentOf(ref.infoHash))];
    } else {
      const torrent = torrentOf(ref.infoHash);
      const raw = fileByIndex(torrent, ref.index);
      const file = (raw && asMediaFile(torrent, raw)) ?? missing();
      all = [fileItem(torrent, file, ctx)];
    }
    // BrowseMetadata always answers with exactly the one object; paging does not apply.
    return { result: didlLite(all), numberReturned: 1, totalMatches: 1, updateId: snapshot.updateId };
  }
  // Children are paged before they are turned into DIDL objects, over the list's media positions
  // (found once per torrent): a page costs the page.
  let page: DidlObject[];
  let totalMatches: number;
  if (ref.kind === 'root') {
    totalMatches = snapshot.torrents.length;
    page = pageOf(snapshot.torrents, req.startingIndex, req.requestedCount).map(torrentContainer);
  } else if (ref.kind === 'torrent') {
    const torrent = torrentOf(ref.infoHash);
    const positions = mediaPositions(torrent.files).all;
    totalMatches = positions.length;
    page = pageOf(positions, req.startingIndex, req.requestedCount).map((i) => fileItem(torrent, asMediaFile(torrent, torrent.files[i]!)!, ctx));
  } else {
    // An item has no children, but browsing a file that does not exist is still 701.
    const torrent = torrentOf(ref.infoHash);
    const raw = fileByIndex(torrent, ref.index);
    if (!raw || !asMediaFile(torrent, raw)) missing();
    totalMatches = 0;
    page = [];
  }
  return { result: didlLite(page), numberReturned: page.length, totalMatches, updateId: snapshot.updateId };
}

/**
 * Most results one Browse returns. RequestedCount 0 means "all", but a torrent may hold 50,000
 * files; UPnP lets a server return fewer than asked (NumberReturned < TotalMatches) and control
 * points page on.
 */
export const MAX_BROWSE_RESULTS = 500;

export function pageOf<T>(all: readonly T[], startingIndex: number, requestedCount: number): T[] {
  const count = requestedCount === 0 ? MAX_BROWSE_RESULTS : Math.min(requestedCount, MAX_BROWSE_RESULTS);
  const start = Math.min(startingIndex, all.length);
  return all.slice(start, Math.min(all.length, start + count));
}

function torrentContainer(t: CatalogTorrent): DidlContainer {
  return { kind: 'container', id: torrentObjectId(t.infoHash), parentId: ROOT_ID, title: t.name, childCount: countMediaFiles(t) };
}

function fileItem(t: CatalogTorrent, f: MediaFile, ctx: BrowseContext): DidlItem {
  const probe = ctx.probeOf?.(t.infoHash, f.index);
  // Subtitles: the video's own text tracks (once probed) and the .srt/.vtt beside it, as WebVTT.
  const captions = f.mediaClass === VIDEO_CLASS ? subtitleOffers(t.files, f.index, probe).map((o) => ({ url: withQuery(ctx.urlFor(t.infoHash, o.fileIndex), o.query) })) : [];
  return {
    kind: 'item',
    id: fileObjectId(t.infoHash, f.index),
    parentId: torrentObjectId(t.infoHash),
    title: f.title,
    upnpClass: f.mediaClass,
    res: itemResources({
      url: ctx.urlFor(t.infoHash, f.index),
      mime: f.mime,
      sizeBytes: f.length,
      durationSeconds: ctx.durationOf?.(t.infoHash, f.index) ?? probe?.durationSeconds,
      probe,
    }),
    ...(captions.length ? { subtitles: captions } : {}),
  };
}
