/**
 * DIDL-Lite for the media server's Browse answers. The casting library's writer serves a renderer
 * one resource per item; a listing offers several per item (the original and a conversion, each
 * with its own protocolInfo) and its subtitle tracks, so it is written here, with the library's
 * escaping. Pure; every string escaped; resources and captions per item capped, so a listing
 * stays small whatever a file holds.
 */
import { escapeXml, formatHms, type DidlContainer, type UpnpItemClass } from '@torrent-live/casting';

export const MAX_RESOURCES = 4;
export const MAX_CAPTIONS = 16;

export interface ListingResource {
  url: string;
  /** The whole `protocol:network:mime:features` string. */
  protocolInfo: string;
  sizeBytes?: number | undefined;
  durationSeconds?: number | undefined;
}

export interface ListingCaption {
  /** A WebVTT URL. */
  url: string;
}

export interface ListingItem {
  kind: 'item';
  id: string;
  parentId: string;
  title: string;
  upnpClass: UpnpItemClass;
  /** Best first: control points take the first whose protocolInfo their renderer accepts. */
  resources: readonly ListingResource[];
  captions?: readonly ListingCaption[] | undefined;
}

export type ListingObject = DidlContainer | ListingItem;

const DIDL_OPEN =
  '<DIDL-Lite xmlns="urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
  'xmlns:upnp="urn:schemas-upnp-org:metadata-1-0/upnp/" xmlns:dlna="urn:schemas-dlna-org:metadata-1-0/" xmlns:sec="http://www.sec.co.kr/">';

export function listingDidl(objects: readonly ListingObject[]): string {
  return `${DIDL_OPEN}${objects.map(listingObject).join('')}</DIDL-Lite>`;
}

function listingObject(o: ListingObject): string {
  const title = `<dc:title>${escapeXml(o.title)}</dc:title>`;
  const ids = `id="${escapeXml(o.id)}" parentID="${escapeXml(o.parentId)}" restricted="1"`;
  if (o.kind === 'container') {
    const count = Number.isSafeInteger(o.childCount) && o.childCount >= 0 ? o.childCount : 0;
    return `<container ${ids} searchable="0" childCount="${count}">${title}<upnp:class>object.container.storageFolder</upnp:class></container>`;
  }
  const parts = [`<item ${ids}>`, title, `<upnp:class>${o.upnpClass}</upnp:class>`];
  for (const res of o.resources.slice(0, MAX_RESOURCES)) parts.push(resource(res));
  for (const caption of (o.captions ?? []).slice(0, MAX_CAPTIONS)) {
    // Samsung TVs read sec:CaptionInfoEx; others take a text/vtt resource of the same item.
    parts.push(`<sec:CaptionInfoEx sec:type="vtt">${escapeXml(caption.url)}</sec:CaptionInfoEx>`);
    parts.push(`<res protocolInfo="http-get:*:text/vtt:*">${escapeXml(caption.url)}</res>`);
  }
  parts.push('</item>');
  return parts.join('');
}

function resource(res: ListingResource): string {
  const attrs = [`protocolInfo="${escapeXml(res.protocolInfo)}"`];
  if (res.sizeBytes !== undefined && Number.isFinite(res.sizeBytes) && res.sizeBytes >= 0) attrs.push(`size="${Math.floor(res.sizeBytes)}"`);
  if (res.durationSeconds !== undefined && Number.isFinite(res.durationSeconds) && res.durationSeconds > 0) attrs.push(`duration="${formatHms(res.durationSeconds, true)}"`);
  return `<res ${attrs.join(' ')}>${escapeXml(res.url)}</res>`;
}
