/**
 * What this browser decodes, measured rather than guessed from its name: for each container, ask
 * `canPlayType` about each codec. The server turns the report into a device profile and decides
 * (src/transcode/browser-abilities.ts). canPlayType and not MediaSource.isTypeSupported: the
 * player loads a plain URL, and Chromium plays Matroska that way though MSE refuses it.
 *
 * Pure apart from the `canPlay` function passed in, so it is tested without a browser.
 */

/** The names the server accepts (BROWSER_* in src/transcode/browser-abilities.ts). */
export type VideoCodecName = 'h264' | 'h264-10bit' | 'hevc' | 'vp8' | 'vp9' | 'av1';
export type AudioCodecName = 'aac' | 'mp3' | 'opus' | 'vorbis' | 'flac' | 'ac3' | 'eac3' | 'dts' | 'truehd';
export type ContainerName = 'mp4' | 'webm' | 'matroska';

export interface FormatReport {
  container: ContainerName;
  video: VideoCodecName[];
  audio: AudioCodecName[];
}

export interface AbilitiesReport {
  formats: FormatReport[];
}

export const CONTAINER_TYPES: Record<ContainerName, string> = { mp4: 'video/mp4', webm: 'video/webm', matroska: 'video/x-matroska' };

/** RFC 6381 codec strings; a codec counts when any of its spellings is playable. */
export const VIDEO_CODEC_STRINGS: Record<VideoCodecName, string[]> = {
  h264: ['avc1.640028', 'avc1.4D401F'],
  'h264-10bit': ['avc1.6E0028'],
  hevc: ['hvc1.1.6.L120.90', 'hev1.1.6.L120.90'],
  vp8: ['vp8'],
  vp9: ['vp09.00.40.08', 'vp9'],
  av1: ['av01.0.08M.08'],
};

export const AUDIO_CODEC_STRINGS: Record<AudioCodecName, string[]> = {
  aac: ['mp4a.40.2'],
  mp3: ['mp4a.69', 'mp4a.6B', 'mp3'],
  opus: ['opus'],
  vorbis: ['vorbis'],
  flac: ['flac'],
  ac3: ['ac-3'],
  eac3: ['ec-3'],
  dts: ['dtsc', 'dtse'],
  truehd: ['mlpa'],
};

export type CanPlay = (type: string) => boolean;

function supported<T extends string>(table: Record<T, string[]>, container: string, canPlay: CanPlay): T[] {
  return (Object.keys(table) as T[]).filter((name) => table[name].some((codec) => canPlay(`${container}; codecs="${codec}"`)));
}

export function measureAbilities(canPlay: CanPlay): AbilitiesReport {
  const formats: FormatReport[] = [];
  for (const container of Object.keys(CONTAINER_TYPES) as ContainerName[]) {
    const type = CONTAINER_TYPES[container];
    const video = supported(VIDEO_CODEC_STRINGS, type, canPlay);
    const audio = supported(AUDIO_CODEC_STRINGS, type, canPlay);
    if (video.length > 0 || audio.length > 0) formats.push({ container, video, audio });
  }
  return { formats };
}

/** The browser's own answer: "maybe" and "probably" both mean it will try. */
export function browserCanPlay(video: HTMLVideoElement): CanPlay {
  return (type) => video.canPlayType(type) !== '';
}
