/**
 * DIDL-Lite, UPnP's metadata format, written as text from plain objects: the one item a renderer
 * gets with SetAVTransportURI, and the containers and items a media server lists in Browse.
 * Every string is escaped; the protocolInfo of a resource comes from dlna-profile, the same
 * function that writes the stream's contentFeatures.dlna.org header.
 */
import { escapeXml } from './xml-safe.js';
import { protocolInfoFor } from './dlna-profile.js';
import { formatHms } from './status-map.js';
import type { MediaSpec, SubtitleTrack } from './types.js';

/** The item classes written; players (Kodi, VLC, TVs) file an item by its class first. */
export type UpnpItemClass = 'object.item.videoItem.movie' | 'object.item.audioItem.musicTrack' | 'object.item.imageItem.photo';

/** The class for a content type, or undefined when it is not video, audio or an image. */
export function upnpClassOf(contentType: string): UpnpItemClass | undefined {
  const t = contentType.trim().toLowerCase();
  if (t.startsWith('video/')) return 'object.item.videoItem.movie';
  if (t.startsWith('audio/')) return 'object.item.audioItem.musicTrack';
  if (t.startsWith('image/')) return 'object.item.imageItem.photo';
  return undefined;
}

export interface DidlContainer {
  kind: 'container';
  id: string;
  parentId: string;
  title: string;
  childCount: number;
}

export interface DidlResource {
  url: string;
  contentType: string;
  /** The whole `protocol:network:mime:features` string when the caller knows better (a DLNA profile). */
  protocolInfo?: string | undefined;
  sizeBytes?: number | undefined;
  /** Omitted from the document when unknown. */
  durationSeconds?: number | undefined;
}

export interface DidlItem {
  kind: 'item';
  id: string;
  parentId: string;
  title: string;
  upnpClass: UpnpItemClass;
  /** One resource, or several best first (a media server offers the original and a conversion). */
  res: DidlResource | readonly DidlResource[];
  albumArtUrl?: string | undefined;
  /** WebVTT tracks, announced the Samsung way (sec:CaptionInfoEx) and as extra resources. */
  subtitles?: ReadonlyArray<Pick<SubtitleTrack, 'url'>> | undefined;
}

export type DidlObject = DidlContainer | DidlItem;

/** Per item, so a document stays small whatever a file holds. */
export const MAX_DIDL_RESOURCES = 4;
export const MAX_DIDL_SUBTITLES = 16;

const DIDL_OPEN =
  '<DIDL-Lite xmlns="urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
  'xmlns:upnp="urn:schemas-upnp-org:metadata-1-0/upnp/" xmlns:dlna="urn:schemas-dlna-org:metadata-1-0/" xmlns:sec="http://www.sec.co.kr/">';

export function didlLite(objects: readonly DidlObject[]): string {
  return `${DIDL_OPEN}${objects.map(didlObject).join('')}</DIDL-Lite>`;
}

/** The one-item document a renderer gets with SetAVTransportURI. */
export function buildDidlLite(media: MediaSpec): string {
  return didlLite([
    {
      kind: 'item',
      id: '0',
      parentId: '-1',
      title: media.title,
      upnpClass: upnpClassOf(media.contentType) ?? 'object.item.videoItem.movie',
      res: { url: media.url, contentType: media.contentType, sizeBytes: media.sizeBytes, durationSeconds: media.durationSeconds },
      albumArtUrl: media.posterUrl,
      subtitles: media.subtitles,
    },
  ]);
}

function didlObject(o: DidlObject): string {
  const title = `<dc:title>${escapeXml(o.title)}</dc:title>`;
  const ids = `id="${escapeXml(o.id)}" parentID="${escapeXml(o.parentId)}" restricted="1"`;
  if (o.kind === 'container') {
    const count = Number.isSafeInteger(o.childCount) && o.childCount >= 0 ? o.childCount : 0;
    return `<container ${ids} searchable="0" childCount="${count}">${title}<upnp:class>object.container.storageFolder</upnp:class></container>`;
  }
  const parts = [`<item ${ids}>`, title, `<upnp:class>${o.upnpClass}</upnp:class>`];
  if (o.albumArtUrl) parts.push(`<upnp:albumArtURI>${escapeXml(o.albumArtUrl)}</upnp:albumArtURI>`);
  const resources: readonly DidlResource[] = Array.isArray(o.res) ? o.res : [o.res as DidlResource];
  for (const res of resources.slice(0, MAX_DIDL_RESOURCES)) parts.push(resource(res));
  for (const sub of (o.subtitles ?? []).slice(0, MAX_DIDL_SUBTITLES)) {
    parts.push(`<sec:CaptionInfoEx sec:type="vtt">${escapeXml(sub.url)}</sec:CaptionInfoEx>`);
    parts.push(`<res protocolInfo="http-get:*:text/vtt:*">${escapeXml(sub.url)}</res>`);
  }
  parts.push('</item>');
  return parts.join('');
}

function resource(res: DidlResource): string {
  const attrs = [`protocolInfo="${escapeXml(res.protocolInfo ?? protocolInfoFor(res.contentType))}"`];
  if (res.sizeBytes !== undefined && Number.isFinite(res.sizeBytes) && res.sizeBytes >= 0) attrs.push(`size="${Math.floor(res.sizeBytes)}"`);
  if (res.durationSeconds !== undefined && Number.isFinite(res.durationSeconds) && res.durationSeconds > 0) attrs.push(`duration="${formatHms(res.durationSeconds, true)}"`);
  return `<res ${attrs.join(' ')}>${escapeXml(res.url)}</res>`;
}
