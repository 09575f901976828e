/**
 * An extended M3U playlist of every video and audio file, for M3U-aware media servers
 * (Jellyfin/Emby "M3U tuner", VLC, Kodi's PVR IPTV Simple). Pure.
 */
import type { CatalogTorrent } from '../core/catalog.js';
import { mediaFiles, type MediaFile } from './media-files.js';
import { stripInvalidXmlChars } from '@torrent-live/casting';

export type StreamUrlFor = (infoHash: string, fileIndex: number) => string;

/** One line of text: a name with a newline in it would inject playlist entries. */
function oneLine(text: string): string {
  return stripInvalidXmlChars(text).replace(/[\r\n\u0085\u2028\u2029\t]+/g, ' ').trim();
}

/** Attribute values are double-quoted, with no escape syntax: quotes become apostrophes. */
function attribute(text: string): string {
  return oneLine(text).replace(/"/g, "'");
}

export const M3U_HEADER = '#EXTM3U\n';

export type DurationOf = (infoHash: string, fileIndex: number) => number | undefined;

/** EXTINF's length: whole seconds when probed, -1 ("unknown", as the format says) until then. */
export function extinfSeconds(duration: number | undefined): string {
  return duration !== undefined && Number.isFinite(duration) && duration > 0 ? String(Math.round(duration)) : '-1';
}

/** The two lines (EXTINF and URL) of one file, newline-terminated. */
export function m3uEntry(t: CatalogTorrent, f: MediaFile, urlFor: StreamUrlFor, durationOf?: DurationOf): string {
  const url = urlFor(t.infoHash, f.index);
  if (/[\r\n]/.test(url)) throw new Error(`stream URL for ${t.infoHash}/${f.index} holds a line break`);
  return `#EXTINF:${extinfSeconds(durationOf?.(t.infoHash, f.index))} tvg-id="${t.infoHash.toLowerCase()}-${f.index}" tvg-name="${attribute(f.title)}" group-title="${attribute(t.name)}",${oneLine(f.title)}\n${url}\n`;
}

export function buildM3u(torrents: readonly CatalogTorrent[], urlFor: StreamUrlFor, durationOf?: DurationOf): string {
  let out = M3U_HEADER;
  for (const t of torrents) for (const f of mediaFiles(t)) out += m3uEntry(t, f, urlFor, durationOf);
  return out;
}
