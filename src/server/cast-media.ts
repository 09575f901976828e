/**
 * What a TV is told to play for a torrent file: a URL it can reach (the interface address on its
 * subnet, with the file's own stream token), the title, type and size, and the .srt/.vtt files
 * next to the video as WebVTT tracks. The subtitle matching is pure; the rest reads the manager.
 */
import path from 'node:path';
import type { MediaSpec, SubtitleTrack } from '@torrent-live/casting';
import type { TorrentManager } from '../core/torrent-manager.js';
import { isVideoName, mimeFor } from '../core/torrent-manager.js';
import { TorrentLiveError } from '../errors.js';
import type { TranscodeFormat } from '../config.js';

export const SUBTITLE_EXTENSIONS = ['.srt', '.vtt'];

export interface SubtitleFile {
  index: number;
  language: string;
  label: string;
}

function stem(name: string): string {
  const base = path.posix.basename(name);
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base).toLowerCase();
}

/**
 * Subtitles for a video: .srt/.vtt files in the same folder whose name starts with the video's
 * (`Movie.srt`, `Movie.en.srt`, `Movie.English.vtt`), or every subtitle in the folder when the
 * folder holds a single video (torrents often name them `Subs/English.srt` style).
 */
export function findSubtitles(files: ReadonlyArray<{ index: number; name: string }>, videoIndex: number): SubtitleFile[] {
  const video = files.find((f) => f.index === videoIndex);
  if (!video) return [];
  const dir = path.posix.dirname(video.name);
  const videoStem = stem(video.name);
  const isSub = (n: string) => SUBTITLE_EXTENSIONS.includes(path.posix.extname(n).toLowerCase());
  const siblings = files.filter((f) => f.index !== videoIndex && isSub(f.name));
  const sameDir = siblings.filter((f) => path.posix.dirname(f.name) === dir);
  const named = sameDir.filter((f) => stem(f.name).startsWith(videoStem));
  const onlyVideo = files.filter((f) => path.posix.dirname(f.name) === dir && isVideoName(f.name)).length === 1;
  const subDirs = siblings.filter((f) => /(^|\/)(subs?|subtitles?)\//i.test(f.name) && path.posix.dirname(path.posix.dirname(f.name)) === dir);
  const chosen = named.length ? named : onlyVideo ? [...sameDir, ...subDirs] : [];
  return chosen.map((f) => {
    const s = stem(f.name);
    const tag = s.startsWith(videoStem) ? s.slice(videoStem.length).replace(/^[.\-_ ]+/, '') : s;
    const language = /^[a-z]{2,3}$/i.test(tag) ? tag.toLowerCase() : 'und';
    return { index: f.index, language, label: tag || 'Subtitles' };
  });
}

export interface CastMediaOptions {
  manager: TorrentManager;
  /** The tokenised /stream URL for one file, on the given base. */
  streamUrl: (baseUrl: string, infoHash: string, fileIndex: number) => string;
  /** http://<address TV can reach>:<port> for a device at this address. */
  baseUrlFor: (deviceAddress: string) => string;
}

export function castMedia(opts: CastMediaOptions) {
  return (infoHash: string, fileIndex: number, deviceAddress: string, transcode?: TranscodeFormat): MediaSpec => {
    const session = opts.manager.session(infoHash);
    if (!session) throw new TorrentLiveError('E_NOT_FOUND', `no torrent ${infoHash} is loaded`);
    const file = session.files[fileIndex];
    if (!file) throw new TorrentLiveError('E_NOT_FOUND', `torrent ${infoHash} has no file ${fileIndex}`);
    const base = opts.baseUrlFor(deviceAddress);
    const plain = opts.streamUrl(base, session.infoHash, fileIndex);
    const subtitles: SubtitleTrack[] = findSubtitles(session.files, fileIndex).map((s) => ({
      url: `${opts.streamUrl(base, session.infoHash, s.index)}&format=vtt`,
      language: s.language,
      label: s.label,
    }));
    return {
      url: transcode ? `${plain}&transcode=${transcode}` : plain,
      title: path.posix.basename(file.name),
      contentType: transcode ? (transcode === 'mp4' ? 'video/mp4' : 'video/webm') : mimeFor(file.name),
      ...(transcode ? {} : { sizeBytes: file.length }),
      ...(subtitles.length ? { subtitles } : {}),
    };
  };
}
