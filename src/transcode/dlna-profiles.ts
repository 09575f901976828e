/**
 * DLNA media format profiles (`DLNA.ORG_PN`) from what a stream really holds, and the
 * protocolInfo / contentFeatures.dlna.org a renderer matches against its sink list. Pure.
 *
 * A TV picks a `<res>` by its profile; a wrong one makes it refuse a file it plays, or try one it
 * cannot (every MP4 used to be called `AVC_MP4_MP_SD_AAC_MULT5`, High-profile 720p included).
 * When the probe does not say enough, no PN is given: "some MP4" is the honest claim.
 */
import { DLNA_FLAGS_STREAMING, dlnaProfileFor } from '@torrent-live/casting';
import type { Decision } from './decide.js';
import type { ProbeResult } from './probe.js';

export interface StreamShape {
  container: ProbeResult['container'];
  video?: { codec: string; profile?: string; width: number; height: number } | undefined;
  audio?: { codec: string } | undefined;
}

type AvcClass = 'BL' | 'MP' | 'HP';

function avcClass(profile: string | undefined): AvcClass | undefined {
  if (profile === undefined) return undefined;
  if (profile === 'High') return 'HP';
  if (profile === 'Main') return 'MP';
  // Baseline streams are Main-decodable in practice (constrained baseline is a strict subset).
  if (profile === 'Baseline' || profile === 'Constrained Baseline') return 'BL';
  return undefined; // High 10, 4:2:2, 4:4:4: no DLNA profile, and most TVs do not decode them
}

const within = (v: { width: number; height: number }, w: number, h: number): boolean => v.width > 0 && v.height > 0 && v.width <= w && v.height <= h;

/** The DLNA_PN of an H.264 MP4 (the AVC_MP4 family), or undefined outside its rules. */
function avcMp4(video: NonNullable<StreamShape['video']>, audio: string | undefined): string | undefined {
  const cls = avcClass(video.profile);
  if (!cls) return undefined;
  const sound = audio ?? 'aac';
  if (cls === 'HP') return sound === 'aac' && within(video, 1920, 1080) ? 'AVC_MP4_HP_HD_AAC' : undefined;
  if (within(video, 720, 576)) {
    if (sound === 'aac') return 'AVC_MP4_MP_SD_AAC_MULT5';
    if (sound === 'ac3') return 'AVC_MP4_MP_SD_AC3';
    if (sound === 'mp3') return 'AVC_MP4_MP_SD_MPEG1_L3';
    return undefined;
  }
  if (sound !== 'aac') return undefined;
  if (within(video, 1280, 720)) return 'AVC_MP4_MP_HD_720p_AAC';
  if (within(video, 1920, 1080)) return 'AVC_MP4_MP_HD_1080i_AAC';
  return undefined;
}

/**
 * The profile of a stream, or undefined. `mime` covers what the probe cannot (audio files,
 * MPEG-PS/TS), through the casting library's table; Matroska keeps the de-facto `MATROSKA` that
 * TVs listing MKV match, since DLNA itself defines none.
 */
export function dlnaProfileOf(shape: StreamShape | undefined, mime: string): string | undefined {
  if (!shape) return mime.toLowerCase().startsWith('video/mp4') ? undefined : dlnaProfileFor(mime);
  if (shape.container === 'mp4' && shape.video) return shape.video.codec === 'h264' ? avcMp4(shape.video, shape.audio?.codec) : undefined;
  if (shape.container === 'matroska' || shape.container === 'webm') return shape.container === 'matroska' ? 'MATROSKA' : undefined;
  return dlnaProfileFor(mime);
}

/** What a conversion produces, as a stream shape (the encoder writes H.264 High, AAC or Opus). */
export function convertedShape(decision: Decision, probe: Pick<ProbeResult, 'video' | 'audio'>): StreamShape {
  const src = probe.video;
  const video =
    decision.video === 'copy'
      ? src
      : src && { codec: decision.video, profile: decision.video === 'h264' ? 'High' : undefined, height: decision.scaleHeight ?? src.height, width: decision.scaleHeight && src.height ? Math.round((src.width * decision.scaleHeight) / src.height) : src.width };
  const audio = decision.audio === 'none' ? undefined : decision.audio === 'copy' ? probe.audio : { codec: decision.audio };
  return { container: decision.container, ...(video ? { video: { codec: video.codec, width: video.width, height: video.height, ...(video.profile ? { profile: video.profile } : {}) } } : {}), ...(audio ? { audio } : {}) };
}

/**
 * The fourth protocolInfo field. The original is served with byte ranges (OP=01) as it is
 * (CI=0); a conversion has no ranges and no time-seek header support (OP=00) and is converted (CI=1).
 */
export function dlnaFeaturesFor(pn: string | undefined, kind: 'original' | 'converted'): string {
  const op = kind === 'original' ? 'DLNA.ORG_OP=01;DLNA.ORG_CI=0' : 'DLNA.ORG_OP=00;DLNA.ORG_CI=1';
  return `${pn ? `DLNA.ORG_PN=${pn};` : ''}${op};DLNA.ORG_FLAGS=${DLNA_FLAGS_STREAMING}`;
}

export function protocolInfoOf(mime: string, pn: string | undefined, kind: 'original' | 'converted'): string {
  return `http-get:*:${mime.split(';')[0]!.trim().toLowerCase()}:${dlnaFeaturesFor(pn, kind)}`;
}
