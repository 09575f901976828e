/**
 * Which files of a torrent the media-center sources show, and under what title. Pure.
 */
import type { CatalogFile, CatalogTorrent } from '../core/catalog.js';
import { upnpClassOf } from '@torrent-live/casting';

/** What a media browser lists: videos and audio (DIDL-Lite classes players file them by). */
export type MediaClass = 'object.item.videoItem.movie' | 'object.item.audioItem.musicTrack';
export const VIDEO_CLASS: MediaClass = 'object.item.videoItem.movie';

/** The class a file gets from its MIME type, or undefined for files a media browser cannot play. */
export function mediaClassOf(mime: string): MediaClass | undefined {
  const c = upnpClassOf(mime);
  return c === 'object.item.videoItem.movie' || c === 'object.item.audioItem.musicTrack' ? c : undefined;
}

export interface MediaFile extends CatalogFile {
  mediaClass: MediaClass;
  /** The file's path inside the torrent without the torrent's own folder name. */
  title: string;
}

/** Video and audio files only, in torrent order: a media browser cannot play the .nfo or .txt. */
export function mediaFiles(torrent: CatalogTorrent, only?: MediaClass): MediaFile[] {
  const out: MediaFile[] = [];
  for (const f of torrent.files) {
    const media = asMediaFile(torrent, f, only);
    if (media) out.push(media);
  }
  return out;
}

/** One file as a media file, or undefined when a media browser would not show it. */
export function asMediaFile(torrent: CatalogTorrent, f: CatalogFile, only?: MediaClass): MediaFile | undefined {
  const mediaClass = mediaClassOf(f.mime);
  if (!mediaClass || (only && mediaClass !== only)) return undefined;
  return { ...f, mediaClass, title: titleInTorrent(torrent.name, f.name) };
}

/** How many files mediaFiles would return, without building them. */
export function countMediaFiles(torrent: CatalogTorrent, only?: MediaClass): number {
  const positions = mediaPositions(torrent.files);
  return only === undefined ? positions.all.length : only === VIDEO_CLASS ? positions.videos : positions.all.length - positions.videos;
}

export interface MediaPositions {
  /** Where the media files are in the list, in order. */
  all: readonly number[];
  videos: number;
}

const positionsCache = new WeakMap<object, MediaPositions>();

/**
 * Which positions of a file list are media files, found once per list (a torrent's files never
 * change, and the catalog hands out one array per torrent): a DLNA page then costs the page, not
 * a pass over 50,000 files per request.
 */
export function mediaPositions(files: readonly CatalogFile[]): MediaPositions {
  let found = positionsCache.get(files);
  if (found) return found;
  const all: number[] = [];
  let videos = 0;
  files.forEach((f, i) => {
    const mediaClass = mediaClassOf(f.mime);
    if (!mediaClass) return;
    all.push(i);
    if (mediaClass === VIDEO_CLASS) videos++;
  });
  positionsCache.set(files, (found = { all, videos }));
  return found;
}

/** The file with this index, looked up directly (files are listed in index order). */
export function fileByIndex(torrent: CatalogTorrent, index: number): CatalogFile | undefined {
  const f = torrent.files[index];
  return f?.index === index ? f : torrent.files.find((x) => x.index === index);
}

/** Multi-file torrents name files `<torrent>/<path>`; the folder is already the container. */
export function titleInTorrent(torrentName: string, fileName: string): string {
  const prefix = `${torrentName}/`;
  return fileName.startsWith(prefix) && fileName.length > prefix.length ? fileName.slice(prefix.length) : fileName;
}
