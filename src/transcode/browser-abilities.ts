/**
 * What one browser says it decodes, as the web remote measures it (`canPlayType` for each
 * container and codec, see src/web/client/abilities.ts), checked and turned into the same
 * DeviceCapabilities a TV gets. Pure. The report is a stranger's JSON: only known names pass,
 * and its size is bounded by the lists below.
 */
import type { Container } from './probe.js';
import type { DeviceCapabilities, FormatSupport, OutputContainer, VideoSupport } from './capabilities.js';

/** Video names the page may report; `h264-10bit` is High 10, which most browsers cannot decode. */
export const BROWSER_VIDEO_CODECS = ['h264', 'h264-10bit', 'hevc', 'vp8', 'vp9', 'av1'] as const;
/** Audio names the page may report, spelled as ffprobe names the codecs. */
export const BROWSER_AUDIO_CODECS = ['aac', 'mp3', 'opus', 'vorbis', 'flac', 'ac3', 'eac3', 'dts', 'truehd'] as const;
/** Containers the page is asked about (Matroska: Chromium plays it though no spec says so). */
export const BROWSER_CONTAINERS = ['mp4', 'webm', 'matroska'] as const;

export type BrowserVideoCodec = (typeof BROWSER_VIDEO_CODECS)[number];
export type BrowserAudioCodec = (typeof BROWSER_AUDIO_CODECS)[number];
export type BrowserContainer = (typeof BROWSER_CONTAINERS)[number];

export interface BrowserFormat {
  container: BrowserContainer;
  video: BrowserVideoCodec[];
  audio: BrowserAudioCodec[];
}

/** What the page sends in `abilities`. */
export interface BrowserAbilities {
  formats: BrowserFormat[];
}

/** Browsers decode up to 4K in software; the screen size is not the decoder's limit. */
const MAX_SIZE = [3840, 2160] as const;
const EIGHT_BIT = ['yuv420p', 'yuvj420p'];
const H264_NOT_8BIT_420 = ['High 10', 'High 10 Intra', 'High 4:2:2', 'High 4:2:2 Intra', 'High 4:4:4 Predictive', 'High 4:4:4 Intra'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function known<T extends string>(list: readonly T[], value: unknown, where: string): T[] {
  if (!Array.isArray(value) || value.length > list.length) throw new Error(`${where} must be a list of at most ${list.length} of ${list.join(', ')}`);
  const out: T[] = [];
  for (const v of value) {
    if (typeof v !== 'string' || !(list as readonly string[]).includes(v)) throw new Error(`${where}: ${JSON.stringify(v).slice(0, 40)} is not one of ${list.join(', ')}`);
    if (!out.includes(v as T)) out.push(v as T);
  }
  return out;
}

/** Checks the page's report; a message saying what is wrong when it is not one. */
export function parseBrowserAbilities(value: unknown): { ok: true; value: BrowserAbilities } | { ok: false; message: string } {
  try {
    if (!isRecord(value) || !Array.isArray(value['formats']) || value['formats'].length > BROWSER_CONTAINERS.length) {
      throw new Error(`abilities must be {"formats": [{"container", "video": [...], "audio": [...]}]} with at most ${BROWSER_CONTAINERS.length} formats`);
    }
    const formats: BrowserFormat[] = [];
    for (const [i, f] of value['formats'].entries()) {
      if (!isRecord(f)) throw new Error(`abilities.formats[${i}] is not an object`);
      const [container] = known(BROWSER_CONTAINERS, [f['container']], `abilities.formats[${i}].container`);
      if (formats.some((x) => x.container === container)) throw new Error(`abilities lists ${container} twice`);
      formats.push({ container: container!, video: known(BROWSER_VIDEO_CODECS, f['video'], `abilities.formats[${i}].video`), audio: known(BROWSER_AUDIO_CODECS, f['audio'], `abilities.formats[${i}].audio`) });
    }
    return { ok: true, value: { formats } };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

function videoSupport(codec: BrowserVideoCodec, all: readonly BrowserVideoCodec[]): VideoSupport | undefined {
  if (codec === 'h264-10bit') return undefined; // folded into h264 below
  if (codec !== 'h264') return { codec, maxWidth: MAX_SIZE[0], maxHeight: MAX_SIZE[1] };
  // A browser that decodes High 10 takes any H.264 profile; most decode 8-bit 4:2:0 only.
  return all.includes('h264-10bit')
    ? { codec: 'h264', maxWidth: MAX_SIZE[0], maxHeight: MAX_SIZE[1] }
    : { codec: 'h264', maxWidth: MAX_SIZE[0], maxHeight: MAX_SIZE[1], excludedProfiles: H264_NOT_8BIT_420, pixFmts: EIGHT_BIT };
}

/**
 * The browser as a device. What we may produce for it: fragmented MP4 when it plays H.264 with
 * AAC there (the cheapest conversion, and what copies most often), else WebM when it plays VP8 or
 * VP9 with Opus; VP8 where both exist, because its realtime encoder keeps up on two cores.
 */
export function capabilitiesFromBrowser(abilities: BrowserAbilities, label = 'This browser'): DeviceCapabilities {
  const formats: FormatSupport[] = abilities.formats.map((f) => ({
    container: f.container satisfies Container,
    video: f.video.map((c) => videoSupport(c, f.video)).filter((v): v is VideoSupport => v !== undefined),
    audio: [...f.audio],
  }));
  const has = (container: BrowserContainer, video: BrowserVideoCodec, audio: BrowserAudioCodec): boolean =>
    abilities.formats.some((f) => f.container === container && f.video.includes(video) && f.audio.includes(audio));
  const outputs: OutputContainer[] = [];
  if (has('mp4', 'h264', 'aac')) outputs.push('mp4');
  if (has('webm', 'vp8', 'opus') || has('webm', 'vp9', 'opus')) outputs.push('webm');
  const webmVideo = abilities.formats.some((f) => f.container === 'webm' && f.video.includes('vp8')) ? 'vp8' : 'vp9';
  return { id: 'browser', label, formats, outputs, webmVideo };
}
