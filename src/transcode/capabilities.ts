/**
 * What each kind of player can decode, as data: a list of container + codec combinations. The
 * Chromecast rows follow Google's published "supported media" tables (rounded to what matters
 * here: codec, resolution, 8-bit 4:2:0); DLNA renderers describe themselves with the sink list
 * of their ConnectionManager `GetProtocolInfo`, turned into the same shape below.
 */
import type { Container } from './probe.js';

export interface VideoSupport {
  codec: string;
  maxWidth: number;
  maxHeight: number;
  /** ffprobe profile names that are NOT decodable (e.g. 10-bit H.264). */
  excludedProfiles?: string[];
  /** ffprobe pix_fmt values that are decodable; absent = any. */
  pixFmts?: string[];
}

export interface FormatSupport {
  container: Container;
  video: VideoSupport[];
  audio: string[];
}

export type OutputContainer = 'mp4' | 'webm';

export interface DeviceCapabilities {
  id: string;
  label: string;
  formats: FormatSupport[];
  /** Containers we may produce for it, best first. */
  outputs: OutputContainer[];
  /** Which WebM video encoder suits it (VP9 only where the decoder is hardware, or a browser). */
  webmVideo: 'vp8' | 'vp9';
}

const EIGHT_BIT = ['yuv420p', 'yuvj420p'];
const H264_NOT_8BIT_420 = ['High 10', 'High 10 Intra', 'High 4:2:2', 'High 4:2:2 Intra', 'High 4:4:4 Predictive', 'High 4:4:4 Intra'];

function h264(maxWidth: number, maxHeight: number): VideoSupport {
  return { codec: 'h264', maxWidth, maxHeight, excludedProfiles: H264_NOT_8BIT_420, pixFmts: EIGHT_BIT };
}

const HD = [1920, 1080] as const;
const UHD = [3840, 2160] as const;
const CAST_AUDIO = ['aac', 'mp3', 'opus', 'vorbis', 'flac'];

function castProfile(id: string, label: string, extra: VideoSupport[], webmVideo: 'vp8' | 'vp9'): DeviceCapabilities {
  const webm = [{ codec: 'vp8', maxWidth: HD[0], maxHeight: HD[1] }, ...extra.filter((v) => v.codec === 'vp9' || v.codec === 'av1')];
  return {
    id,
    label,
    formats: [
      { container: 'mp4', video: [h264(...HD), ...extra.filter((v) => v.codec !== 'vp9')], audio: CAST_AUDIO },
      { container: 'webm', video: webm, audio: ['opus', 'vorbis'] },
      // The Default Media Receiver plays Matroska with these codecs though Google does not list it.
      { container: 'matroska', video: [h264(...HD), ...extra], audio: CAST_AUDIO },
    ],
    outputs: ['mp4', 'webm'],
    webmVideo,
  };
}

export const DEVICE_PROFILES: Readonly<Record<string, DeviceCapabilities>> = {
  // What every current browser's <video> plays: H.264/AAC in MP4, VP8/VP9 with Opus/Vorbis in WebM.
  browser: {
    id: 'browser',
    label: 'Web browser',
    formats: [
      { container: 'mp4', video: [h264(...UHD)], audio: ['aac', 'mp3'] },
      { container: 'webm', video: [{ codec: 'vp8', maxWidth: UHD[0], maxHeight: UHD[1] }, { codec: 'vp9', maxWidth: UHD[0], maxHeight: UHD[1] }], audio: ['opus', 'vorbis'] },
    ],
    outputs: ['mp4', 'webm'],
    webmVideo: 'vp8',
  },
  // A TV we know nothing about (a DLNA listing answers every TV on the LAN alike): what the DLNA
  // AVC_MP4 profiles promise, H.264 up to 1080p with AAC, AC-3 or MP3 in MP4.
  'dlna-tv': {
    id: 'dlna-tv',
    label: 'A DLNA TV',
    formats: [{ container: 'mp4', video: [h264(...HD)], audio: ['aac', 'ac3', 'mp3'] }],
    outputs: ['mp4'],
    webmVideo: 'vp8',
  },
  // 1st, 2nd and 3rd generation all announce themselves as "Chromecast" over mDNS and decode
  // the same set: H.264 High up to 1080p, VP8; no HEVC, no VP9.
  chromecast: castProfile('chromecast', 'Chromecast (1st-3rd gen)', [], 'vp8'),
  'chromecast-ultra': castProfile('chromecast-ultra', 'Chromecast Ultra', [
    { codec: 'h264', maxWidth: UHD[0], maxHeight: UHD[1], excludedProfiles: H264_NOT_8BIT_420, pixFmts: EIGHT_BIT },
    { codec: 'hevc', maxWidth: UHD[0], maxHeight: UHD[1] },
    { codec: 'vp9', maxWidth: UHD[0], maxHeight: UHD[1] },
  ], 'vp9'),
  'google-tv': castProfile('google-tv', 'Chromecast with Google TV (4K) / Google TV Streamer', [
    { codec: 'h264', maxWidth: UHD[0], maxHeight: UHD[1], excludedProfiles: H264_NOT_8BIT_420, pixFmts: EIGHT_BIT },
    { codec: 'hevc', maxWidth: UHD[0], maxHeight: UHD[1] },
    { codec: 'vp9', maxWidth: UHD[0], maxHeight: UHD[1] },
    { codec: 'av1', maxWidth: UHD[0], maxHeight: UHD[1] },
  ], 'vp9'),
  'google-tv-hd': castProfile('google-tv-hd', 'Chromecast with Google TV (HD)', [
    { codec: 'hevc', maxWidth: HD[0], maxHeight: HD[1] },
    { codec: 'vp9', maxWidth: HD[0], maxHeight: HD[1] },
    { codec: 'av1', maxWidth: HD[0], maxHeight: HD[1] },
  ], 'vp9'),
};

/** The profile for a Cast device's mDNS `md` (model name) TXT field. */
export function castProfileForModel(modelName: string): DeviceCapabilities {
  const md = modelName.toLowerCase();
  if (md.includes('ultra')) return DEVICE_PROFILES['chromecast-ultra']!;
  if (md.includes('google tv streamer')) return DEVICE_PROFILES['google-tv']!;
  if (md.includes('chromecast hd')) return DEVICE_PROFILES['google-tv-hd']!;
  if (md.includes('google tv')) return DEVICE_PROFILES['google-tv']!;
  return DEVICE_PROFILES['chromecast']!;
}

/** DLNA.ORG_PN resolution classes (DLNA guidelines, media format profiles). */
function sizeFromProfileName(pn: string): [number, number] {
  if (/_CIF/.test(pn)) return [352, 288];
  if (/_QCIF/.test(pn)) return [176, 144];
  if (/HD_720p/.test(pn)) return [1280, 720];
  if (/_SD|_EU|_NA|_KO|_JP/.test(pn)) return [720, 576];
  return [HD[0], HD[1]];
}

function audioFromProfileName(pn: string): string[] {
  const out: string[] = [];
  if (/AAC|HEAAC/.test(pn)) out.push('aac');
  if (/AC3/.test(pn)) out.push('ac3');
  if (/MPEG1_L3|MP3/.test(pn)) out.push('mp3');
  if (/MPEG1_L2|MP2/.test(pn)) out.push('mp2');
  return out;
}

/** One sink entry → the format it stands for, or undefined for audio, images and non-HTTP. */
export function formatFromProtocolInfo(entry: string): FormatSupport | undefined {
  const parts = entry.trim().split(':');
  if (parts.length < 4 || parts[0] !== 'http-get') return undefined;
  const mime = (parts[2] ?? '').toLowerCase();
  const extra = parts.slice(3).join(':');
  const pn = /DLNA\.ORG_PN=([A-Za-z0-9_]+)/.exec(extra)?.[1] ?? '';
  const [w, h] = pn ? sizeFromProfileName(pn) : [HD[0], HD[1]];
  const pnAudio = pn ? audioFromProfileName(pn) : [];
  const video = (codec: string): VideoSupport => (codec === 'h264' ? h264(w, h) : { codec, maxWidth: w, maxHeight: h });
  if (mime === 'video/mp4' || mime === 'video/x-m4v' || mime === 'video/quicktime') {
    const codec = /^HEVC/.test(pn) ? 'hevc' : /^MPEG4_P2/.test(pn) ? 'mpeg4' : 'h264';
    return { container: 'mp4', video: [video(codec)], audio: pnAudio.length ? pnAudio : ['aac'] };
  }
  if (mime === 'video/x-matroska' || mime === 'video/x-mkv' || mime === 'video/mkv') {
    // Renderers that list Matroska take what their other containers take; H.264 with the common
    // TV audio codecs is the safe core.
    return { container: 'matroska', video: [video('h264')], audio: ['aac', 'ac3', 'mp3'] };
  }
  if (mime === 'video/avi' || mime === 'video/x-msvideo' || mime === 'video/divx' || mime === 'video/x-divx') {
    return { container: 'avi', video: [video('mpeg4')], audio: ['mp3', 'ac3'] };
  }
  if (mime === 'video/webm') return { container: 'webm', video: [video('vp8'), video('vp9')], audio: ['opus', 'vorbis'] };
  if (mime === 'video/mpeg' || mime === 'video/vnd.dlna.mpeg-tts' || mime === 'video/mp2t') {
    const codec = /^AVC/.test(pn) ? 'h264' : 'mpeg2video';
    return { container: 'mpegts', video: [video(codec)], audio: pnAudio.length ? pnAudio : ['mp2', 'ac3'] };
  }
  return undefined;
}

function mergeVideo(list: VideoSupport[]): VideoSupport[] {
  const byCodec = new Map<string, VideoSupport>();
  for (const v of list) {
    const seen = byCodec.get(v.codec);
    if (!seen || v.maxWidth * v.maxHeight > seen.maxWidth * seen.maxHeight) byCodec.set(v.codec, v);
  }
  return [...byCodec.values()];
}

/**
 * A DLNA renderer's capabilities from its `GetProtocolInfo` Sink (comma-separated
 * `protocol:network:mime:info` entries). Entries of the same container merge: the union of codecs
 * at the largest size any of them allows.
 */
export function capabilitiesFromProtocolInfo(sink: string, label = 'DLNA renderer'): DeviceCapabilities {
  const merged = new Map<Container, FormatSupport>();
  for (const entry of sink.split(',')) {
    const f = formatFromProtocolInfo(entry);
    if (!f) continue;
    const seen = merged.get(f.container);
    merged.set(f.container, seen ? { container: f.container, video: mergeVideo([...seen.video, ...f.video]), audio: [...new Set([...seen.audio, ...f.audio])] } : f);
  }
  const formats = [...merged.values()];
  const outputs: OutputContainer[] = [];
  if (merged.has('mp4')) outputs.push('mp4');
  if (merged.has('webm')) outputs.push('webm');
  return { id: 'dlna', label, formats, outputs, webmVideo: 'vp8' };
}
