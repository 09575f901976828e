/**
 * findSubtitles (subtitle-offers.ts) answered by looking through every file of the torrent, once
 * per video: a DLNA page of 500 videos in a 50,000-file torrent was 25 million look-ups, during
 * which the service answered nothing. This index is built once per file list (a torrent's files
 * never change, and listings share one array per torrent) and then answers a video in
 * O(log n + what it returns). Pure.
 */
import path from 'node:path';
import { isVideoName } from '../core/torrent-manager.js';

export const SUBTITLE_EXTENSIONS = ['.srt', '.vtt'];

export interface SubtitleFile {
  index: number;
  language: string;
  label: string;
}

interface Named {
  index: number;
  name: string;
  stem: string;
  /** Position in the file list: answers keep the list's order. */
  order: number;
}

interface Folder {
  videos: number;
  /** Subtitle files directly in the folder, in list order. */
  subtitles: Named[];
  /** The same, sorted by stem: the ones whose stem starts with a video's are one range. */
  byStem: Named[];
  /** Subtitles one folder down in a `Subs/`-like folder, in list order. */
  inSubsFolders: Named[];
}

export interface SubtitleIndex {
  byIndex: Map<number, { name: string; order: number }>;
  folders: Map<string, Folder>;
}

export function stem(name: string): string {
  const base = path.posix.basename(name);
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base).toLowerCase();
}

export function isSubtitleName(name: string): boolean {
  return SUBTITLE_EXTENSIONS.includes(path.posix.extname(name).toLowerCase());
}

const SUBS_FOLDER = /(^|\/)(subs?|subtitles?)\//i;

export function buildSubtitleIndex(files: ReadonlyArray<{ index: number; name: string }>): SubtitleIndex {
  const byIndex = new Map<number, { name: string; order: number }>();
  const folders = new Map<string, Folder>();
  const folder = (dir: string): Folder => {
    let f = folders.get(dir);
    if (!f) folders.set(dir, (f = { videos: 0, subtitles: [], byStem: [], inSubsFolders: [] }));
    return f;
  };
  files.forEach((file, order) => {
    if (!byIndex.has(file.index)) byIndex.set(file.index, { name: file.name, order });
    const dir = path.posix.dirname(file.name);
    if (isVideoName(file.name)) folder(dir).videos++;
    if (!isSubtitleName(file.name)) return;
    const named = { index: file.index, name: file.name, stem: stem(file.name), order };
    folder(dir).subtitles.push(named);
    if (SUBS_FOLDER.test(file.name)) folder(path.posix.dirname(dir)).inSubsFolders.push(named);
  });
  for (const f of folders.values()) f.byStem = [...f.subtitles].sort((a, b) => (a.stem < b.stem ? -1 : a.stem > b.stem ? 1 : a.order - b.order));
  return { byIndex, folders };
}

/** The first position in `sorted` whose stem is not below `prefix`. */
function lowerBound(sorted: readonly Named[], prefix: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.stem < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * What findSubtitles answers, from the index, at most `limit` files: the first `limit` in list
 * order whenever no more than `limit` match (every real torrent); past that, `limit` of them.
 */
export function subtitlesFromIndex(index: SubtitleIndex, videoIndex: number, limit: number): SubtitleFile[] {
  const video = index.byIndex.get(videoIndex);
  if (!video) return [];
  const dir = path.posix.dirname(video.name);
  const videoStem = stem(video.name);
  const here = index.folders.get(dir);
  if (!here) return [];
  const notVideo = (f: Named) => f.index !== videoIndex;
  let chosen: Named[] = [];
  for (let i = lowerBound(here.byStem, videoStem); i < here.byStem.length && chosen.length <= limit; i++) {
    const f = here.byStem[i]!;
    if (!f.stem.startsWith(videoStem)) break;
    if (notVideo(f)) chosen.push(f);
  }
  chosen.sort((a, b) => a.order - b.order);
  if (chosen.length === 0 && here.videos === 1) {
    chosen = [];
    for (const f of here.subtitles) if (chosen.length < limit && notVideo(f)) chosen.push(f);
    for (const f of here.inSubsFolders) if (chosen.length < limit && notVideo(f)) chosen.push(f);
  }
  return chosen.slice(0, limit).map((f) => {
    const s = f.stem;
    const tag = s.startsWith(videoStem) ? s.slice(videoStem.length).replace(/^[.\-_ ]+/, '') : s;
    const language = /^[a-z]{2,3}$/i.test(tag) ? tag.toLowerCase() : 'und';
    return { index: f.index, language, label: tag || 'Subtitles' };
  });
}

const indexes = new WeakMap<object, SubtitleIndex>();

/** The index of a file list, built at its first use and kept as long as the list. */
export function subtitleIndexOf(files: ReadonlyArray<{ index: number; name: string }>): SubtitleIndex {
  let index = indexes.get(files);
  if (!index) indexes.set(files, (index = buildSubtitleIndex(files)));
  return index;
}
