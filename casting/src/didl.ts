/** DIDL-Lite metadata for SetAVTransportURI: what the renderer shows and how it may fetch the stream. */
import { escapeXml } from './xml-safe.js';
import { protocolInfoFor } from './dlna-profile.js';
import { formatHms } from './status-map.js';
import type { MediaSpec } from './types.js';

function upnpClass(contentType: string): string {
  if (contentType.startsWith('audio/')) return 'object.item.audioItem.musicTrack';
  if (contentType.startsWith('image/')) return 'object.item.imageItem.photo';
  return 'object.item.videoItem.movie';
}

export function buildDidlLite(media: MediaSpec): string {
  const attrs = [`protocolInfo="${escapeXml(protocolInfoFor(media.contentType))}"`];
  if (media.sizeBytes !== undefined && Number.isFinite(media.sizeBytes) && media.sizeBytes >= 0) attrs.push(`size="${Math.floor(media.sizeBytes)}"`);
  if (media.durationSeconds !== undefined && Number.isFinite(media.durationSeconds) && media.durationSeconds > 0) {
    attrs.push(`duration="${formatHms(media.durationSeconds, true)}"`);
  }
  const parts = [
    '<DIDL-Lite xmlns="urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/" xmlns:dc="http://purl.org/dc/elements/1.1/"',
    ' xmlns:upnp="urn:schemas-upnp-org:metadata-1-0/upnp/" xmlns:dlna="urn:schemas-dlna-org:metadata-1-0/" xmlns:sec="http://www.sec.co.kr/">',
    '<item id="0" parentID="-1" restricted="1">',
    `<dc:title>${escapeXml(media.title)}</dc:title>`,
    `<upnp:class>${upnpClass(media.contentType)}</upnp:class>`,
  ];
  if (media.posterUrl) parts.push(`<upnp:albumArtURI>${escapeXml(media.posterUrl)}</upnp:albumArtURI>`);
  parts.push(`<res ${attrs.join(' ')}>${escapeXml(media.url)}</res>`);
  for (const sub of media.subtitles ?? []) {
    parts.push(`<sec:CaptionInfoEx sec:type="vtt">${escapeXml(sub.url)}</sec:CaptionInfoEx>`);
    parts.push(`<res protocolInfo="http-get:*:text/vtt:*">${escapeXml(sub.url)}</res>`);
  }
  parts.push('</item></DIDL-Lite>');
  return parts.join('');
}
