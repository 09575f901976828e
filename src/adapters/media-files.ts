/**
 * Which files of a torrent the media-center sources show, and under what title. Pure.
 */
import type { CatalogFile, CatalogTorrent } from '../core/catalog.js';
import { mediaClassOf, type MediaClass } from './didl.js';

export interface MediaFile extends CatalogFile {
  mediaClass: MediaClass;
  /** The file's path inside the torrent without the torrent's own folder name. */
  title: string;
}

/** Video and audio files only, in torrent order: a media browser cannot play the .nfo or .txt. */
export function mediaFiles(torrent: CatalogTorrent, only?: MediaClass): MediaFile[] {
  const out: MediaFile[] = [];
  for (const f of torrent.files) {
    const mediaClass = mediaClassOf(f.mime);
    if (!mediaClass || (only && mediaClass !== only)) continue;
    out.push({ ...f, mediaClass, title: titleInTorrent(torrent.name, f.name) });
  }
  return out;
}

/** Multi-file torrents name files `<torrent>/<path>`; the folder is already the container. */
export function titleInTorrent(torrentName: string, fileName: string): string {
  const prefix = `${torrentName}/`;
  return fileName.startsWith(prefix) && fileName.length > prefix.length ? fileName.slice(prefix.length) : fileName;
}
