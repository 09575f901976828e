/**
 * What a TV is told to play for a torrent file: a URL it can reach (the interface address on its
 * subnet, with the file's own stream token), the title, type and size, and its subtitles as WebVTT
 * tracks: the file's own text tracks when the probe found some, and the .srt/.vtt files next to
 * it (subtitle-offers.ts chooses, the same for every screen).
 */
import path from 'node:path';
import type { MediaSpec, SubtitleTrack } from '@torrent-live/casting';
import type { TorrentManager } from '../core/torrent-manager.js';
import { mimeFor } from '../core/torrent-manager.js';
import type { ProbeResult } from '../transcode/probe.js';
import { subtitleOffers } from './subtitle-offers.js';
import { TorrentLiveError } from '../errors.js';
import type { TranscodeFormat } from '../config.js';

export { findSubtitles, SUBTITLE_EXTENSIONS, type SubtitleFile } from './subtitle-offers.js';

export interface CastMediaOptions {
  manager: TorrentManager;
  /** The tokenised /stream URL for one file, on the given base. */
  streamUrl: (baseUrl: string, infoHash: string, fileIndex: number) => string;
  /** http://<address TV can reach>:<port> for a device at this address. */
  baseUrlFor: (deviceAddress: string) => string;
}

export function castMedia(opts: CastMediaOptions) {
  return (infoHash: string, fileIndex: number, deviceAddress: string, transcode?: TranscodeFormat, probe?: Pick<ProbeResult, 'subtitleTracks'>): MediaSpec => {
    const session = opts.manager.session(infoHash);
    if (!session) throw new TorrentLiveError('E_NOT_FOUND', `no torrent ${infoHash} is loaded`);
    const file = session.files[fileIndex];
    if (!file) throw new TorrentLiveError('E_NOT_FOUND', `torrent ${infoHash} has no file ${fileIndex}`);
    const base = opts.baseUrlFor(deviceAddress);
    const plain = opts.streamUrl(base, session.infoHash, fileIndex);
    const subtitles: SubtitleTrack[] = subtitleOffers(session.files, fileIndex, probe).map((s) => ({
      url: `${opts.streamUrl(base, session.infoHash, s.fileIndex)}&${s.query}`,
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
