/**
 * DIDL-Lite (UPnP ContentDirectory's listing format), built as text from plain objects. Pure:
 * the content directory decides what to list; this only writes it, escaped.
 */
import { DLNA_FLAGS_STREAMING, escapeXml, formatHms } from '@torrent-live/casting';

export type MediaClass = 'object.item.videoItem' | 'object.item.audioItem';

export interface DidlContainer {
  kind: 'container';
  id: string;
  parentId: string;
  title: string;
  childCount: number;
}

export interface DidlResource {
  url: string;
  mime: string;
  size: number;
  /** Seconds; omitted from the document when unknown. */
  durationSeconds?: number | undefined;
}

export interface DidlItem {
  kind: 'item';
  id: string;
  parentId: string;
  title: string;
  upnpClass: MediaClass;
  res: DidlResource;
}

export type DidlObject = DidlContainer | DidlItem;

/**
 * DLNA.ORG_OP=01: byte seeks (Range) work, time seeks do not. FLAGS: streaming transfer mode,
 * background transfer, connection stall allowed, DLNA 1.5 — what a file served over HTTP with
 * Range support is. Without the fourth field some TVs refuse to play at all. No DLNA.ORG_PN: a
 * browsing client is told only what we know, not a guessed profile.
 */
export function dlnaContentFeatures(): string {
  return `DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=${DLNA_FLAGS_STREAMING}`;
}

export function protocolInfo(mime: string): string {
  return `http-get:*:${mime}:${dlnaContentFeatures()}`;
}

/** The class a file gets from its MIME type, or undefined for files a media browser cannot play. */
export function mediaClassOf(mime: string): MediaClass | undefined {
  if (mime.startsWith('video/')) return 'object.item.videoItem';
  if (mime.startsWith('audio/')) return 'object.item.audioItem';
  return undefined;
}

/** `H+:MM:SS.mmm`, the res@duration format (casting/ writes the same for renderers). */
export function formatDuration(seconds: number): string {
  return formatHms(seconds, true);
}

const DIDL_OPEN =
  '<DIDL-Lite xmlns="urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/" xmlns:dc="http://purl.org/dc/elements/1.1/" ' +
  'xmlns:upnp="urn:schemas-upnp-org:metadata-1-0/upnp/" xmlns:dlna="urn:schemas-dlna-org:metadata-1-0/">';

export function didlLite(objects: readonly DidlObject[]): string {
  return `${DIDL_OPEN}${objects.map(didlObject).join('')}</DIDL-Lite>`;
}

function didlObject(o: DidlObject): string {
  const title = `<dc:title>${escapeXml(o.title)}</dc:title>`;
  if (o.kind === 'container') {
    return (
      `<container id="${escapeXml(o.id)}" parentID="${escapeXml(o.parentId)}" restricted="1" searchable="0" childCount="${o.childCount}">` +
      `${title}<upnp:class>object.container.storageFolder</upnp:class></container>`
    );
  }
  const duration = o.res.durationSeconds !== undefined && Number.isFinite(o.res.durationSeconds) ? ` duration="${formatDuration(o.res.durationSeconds)}"` : '';
  return (
    `<item id="${escapeXml(o.id)}" parentID="${escapeXml(o.parentId)}" restricted="1">${title}<upnp:class>${o.upnpClass}</upnp:class>` +
    `<res protocolInfo="${escapeXml(protocolInfo(o.res.mime))}" size="${o.res.size}"${duration}>${escapeXml(o.res.url)}</res></item>`
  );
}
