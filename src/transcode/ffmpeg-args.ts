/**
 * The ffmpeg command for a decision, as plain data (split the way fluent-ffmpeg wants it: input
 * options, input, output options). Tuned for real time on 2 cores.
 *
 * Seeking: `-ss T` goes before `-i` (input seeking): ffmpeg asks the demuxer to jump to the
 * keyframe before T — over HTTP that is a Range request, so the torrent fetches the pieces at T
 * first — then decodes and drops frames up to T. A pipe cannot seek, which is why the input is a
 * URL (see source-server.ts). Input seeking resets timestamps to 0; `-output_ts_offset T` puts
 * them back so a player's clock shows the real position. For fragmented MP4 the muxer rebases
 * each track to 0 unless `frag_discont` and an edit list are on, hence those two.
 */
import type { Decision } from './decide.js';

export interface FfmpegPlan {
  inputOptions: string[];
  input: string;
  outputOptions: string[];
}

export interface FfmpegArgsOptions {
  input: string;
  decision: Decision;
  startSeconds?: number;
  /** Source height, to pick a bitrate for VP8/VP9 (which have no useful CRF in realtime mode). */
  sourceHeight?: number;
  /** The source's bitrate (bits/s, the whole file's): a conversion never sends much more than it. */
  sourceBitRate?: number;
  threads?: number;
  /** Seconds between forced keyframes: each keyframe starts an MP4 fragment, so this bounds the first byte's delay. */
  keyframeSeconds?: number;
}

export const MP4_MOVFLAGS = 'frag_keyframe+empty_moov+default_base_moof+frag_discont';

/** Formats seconds for ffmpeg: plain decimal, at most millisecond precision, never exponent form. */
export function formatSeconds(s: number): string {
  return (Math.round(s * 1000) / 1000).toFixed(3).replace(/\.?0+$/, '') || '0';
}

function vpxBitrate(height: number | undefined): number {
  if (!height || height <= 480) return 1_000_000;
  if (height <= 720) return 2_000_000;
  if (height <= 1080) return 4_000_000;
  return 8_000_000;
}

/**
 * The video's ceiling, so the whole stream stays under twice the source's bitrate. CRF 23 on a
 * grainy or low-bitrate source spends far more than the source did (16 Mbit/s for a 5.5 Mbit/s
 * HEVC film, 5x for a small clip) for no visible gain, and a viewer on Wi-Fi stalls on it. The
 * sound's share comes off first, and 1.8 rather than 2 leaves room for the rate control's
 * overshoot and the container.
 */
export const MAX_BITRATE_FACTOR = 1.8;
/** What the sound takes in the output, bits/s: our encoders' rates, a guess for a copied track. */
const AUDIO_BUDGET: Record<Decision['audio'], number> = { none: 0, aac: 160_000, opus: 128_000, copy: 192_000 };

export function videoBitrateCap(sourceBitRate: number | undefined, audio: Decision['audio'] = 'none'): number | undefined {
  if (!sourceBitRate || !Number.isFinite(sourceBitRate) || sourceBitRate <= 0) return undefined;
  // A source that is mostly sound (a tiny picture) still leaves the picture half its rate.
  return Math.round(Math.max(sourceBitRate * MAX_BITRATE_FACTOR - AUDIO_BUDGET[audio], sourceBitRate / 2));
}

const kbits = (bits: number): string => `${Math.max(1, Math.round(bits / 1000))}k`;

function videoArgs(o: FfmpegArgsOptions, threads: string, keyframes: string[]): string[] {
  const d = o.decision;
  const scale = d.scaleHeight ? ['-vf', `scale=-2:${d.scaleHeight}`] : [];
  const height = d.scaleHeight ?? o.sourceHeight;
  const cap = videoBitrateCap(o.sourceBitRate, d.audio);
  // A one-second buffer: the rate holds over short stretches, not just on average.
  const x264Cap = cap ? ['-maxrate', kbits(cap), '-bufsize', kbits(cap)] : [];
  const vpx = Math.min(vpxBitrate(height), cap ?? Infinity);
  switch (d.video) {
    case 'copy':
      return ['-c:v', 'copy'];
    case 'h264':
      // veryfast keeps 720p above real time on 2 cores; zerolatency drops the lookahead that
      // would hold the first frames back.
      return ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-crf', '23', ...x264Cap, '-profile:v', 'high', '-level:v', '4.1', '-pix_fmt', 'yuv420p', ...scale, ...keyframes, '-threads', threads];
    case 'vp8':
      return ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-b:v', kbits(vpx), ...(cap ? ['-maxrate', kbits(vpx)] : []), '-pix_fmt', 'yuv420p', ...scale, ...keyframes, '-threads', threads];
    case 'vp9':
      return ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-lag-in-frames', '0', '-b:v', kbits(vpx), ...(cap ? ['-maxrate', kbits(vpx)] : []), '-pix_fmt', 'yuv420p', ...scale, ...keyframes, '-threads', threads];
  }
}

export function audioArgs(d: Decision): string[] {
  switch (d.audio) {
    case 'none':
      return ['-an'];
    case 'copy':
      return ['-c:a', 'copy'];
    case 'aac':
      return ['-c:a', 'aac', '-b:a', '160k', '-ac', '2'];
    case 'opus':
      // libopus takes 48 kHz (or divisors); stereo keeps every player's mapping simple.
      return ['-c:a', 'libopus', '-b:a', '128k', '-ac', '2', '-ar', '48000'];
  }
}

export function buildFfmpegArgs(o: FfmpegArgsOptions): FfmpegPlan {
  const d = o.decision;
  const threads = String(o.threads ?? 2);
  const start = o.startSeconds && o.startSeconds > 0 ? formatSeconds(o.startSeconds) : undefined;
  const every = formatSeconds(o.keyframeSeconds ?? 2);
  const keyframes = ['-force_key_frames', `expr:gte(t,n_forced*${every})`];
  const inputOptions = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-analyzeduration', '3000000', '-probesize', '5000000', ...(start ? ['-ss', start] : [])];
  const container = d.container === 'mp4'
    ? ['-movflags', MP4_MOVFLAGS, '-use_editlist', '1', '-f', 'mp4']
    // WebM to a pipe: no cues to write back, clusters of at most 2 s so bytes flow early.
    : ['-live', '1', '-cluster_time_limit', '2000', '-f', 'webm'];
  const outputOptions = [
    '-map', '0:v:0?',
    ...(d.audio === 'none' ? [] : ['-map', '0:a:0?']),
    '-sn', '-dn', '-map_metadata', '-1',
    ...videoArgs(o, threads, keyframes),
    ...audioArgs(d),
    ...(start ? ['-output_ts_offset', start] : []),
    '-max_muxing_queue_size', '1024',
    ...container,
  ];
  return { inputOptions, input: o.input, outputOptions };
}

/** The whole command line after the binary, writing to stdout (for logs, tests and the bench). */
export function toArgv(plan: FfmpegPlan): string[] {
  return [...plan.inputOptions, '-i', plan.input, ...plan.outputOptions, 'pipe:1'];
}
