/**
 * An extended M3U playlist of every video and audio file, for M3U-aware media servers
 * (Jellyfin/Emby "M3U tuner", VLC, Kodi's PVR IPTV Simple). Pure.
 */
import type { CatalogTorrent } from '../core/catalog.js';
import { mediaFiles } from './media-files.js';
import { stripInvalidXmlChars } from '../../casting/src/index.js';

export type StreamUrlFor = (infoHash: string, fileIndex: number) => string;

/** One line of text: a name with a newline in it would inject playlist entries. */
function oneLine(text: string): string {
  return stripInvalidXmlChars(text).replace(/[\r\n\u0085\u2028\u2029\t]+/g, ' ').trim();
}

/** Attribute values are double-quoted, with no escape syntax: quotes become apostrophes. */
function attribute(text: string): string {
  return oneLine(text).replace(/"/g, "'");
}

export function buildM3u(torrents: readonly CatalogTorrent[], urlFor: StreamUrlFor): string {
  const lines = ['#EXTM3U'];
  for (const t of torrents) {
    for (const f of mediaFiles(t)) {
      const url = urlFor(t.infoHash, f.index);
      if (/[\r\n]/.test(url)) throw new Error(`stream URL for ${t.infoHash}/${f.index} holds a line break`);
      lines.push(`#EXTINF:-1 tvg-id="${t.infoHash.toLowerCase()}-${f.index}" tvg-name="${attribute(f.title)}" group-title="${attribute(t.name)}",${oneLine(f.title)}`);
      lines.push(url);
    }
  }
  return `${lines.join('\n')}\n`;
}
