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
import { hardwareInputOptions, uploadFilter, type VideoEncoder } from './hw-encoders.js';
import { screenBitrateFor, type Rung, type X264Preset } from './ladder.js';

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
  /** The ladder rung the capacity model chose (preset, height, frame-rate cap); default: veryfast at the decision's size. */
  rung?: Rung;
  sourceFps?: number;
  /** The H.264 encoder (a hardware one when the test encode found it); default libx264. */
  encoder?: VideoEncoder;
  /** A picture subtitle track (its index among subtitle streams, `0:s:N`) drawn into the picture. */
  burnSubtitle?: number;
  /** Report progress on stderr once a second (`-progress pipe:2`), for the cost measurement. */
  progress?: boolean;
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

/** The height a re-encode produces: the rung's when it is below the source (a rung never scales up). */
export function outputHeight(o: Pick<FfmpegArgsOptions, 'decision' | 'rung' | 'sourceHeight'>): number | undefined {
  const base = o.decision.scaleHeight ?? o.sourceHeight;
  if (!o.rung) return base;
  return base === undefined || o.rung.height < base ? o.rung.height : base;
}

/**
 * The H.264 video's ceiling: under twice the source (videoBitrateCap) and no more than the screen
 * needs at the height it gets (screenBitrateFor).
 */
export function h264BitrateCap(o: Pick<FfmpegArgsOptions, 'decision' | 'rung' | 'sourceHeight' | 'sourceBitRate'>): number | undefined {
  const source = videoBitrateCap(o.sourceBitRate, o.decision.audio);
  const height = outputHeight(o);
  const screen = height ? screenBitrateFor(height) : undefined;
  if (source === undefined) return screen;
  return screen === undefined ? source : Math.min(source, screen);
}

/** Scale, frame-rate cap, and the upload a hardware encoder needs, as one -vf chain (or none). */
export function videoFilters(o: Pick<FfmpegArgsOptions, 'decision' | 'rung' | 'sourceHeight' | 'sourceFps' | 'encoder'>): string[] {
  const height = outputHeight(o);
  const scaled = o.rung ? height !== undefined && height !== o.sourceHeight : o.decision.scaleHeight !== undefined;
  const filters: string[] = [];
  if (scaled && height) filters.push(`scale=-2:${height}`);
  if (o.rung?.maxFps && (o.sourceFps === undefined || o.sourceFps > o.rung.maxFps)) filters.push(`fps=${o.rung.maxFps}`);
  const upload = uploadFilter(o.encoder ?? 'libx264');
  if (upload) filters.push(upload);
  return filters;
}

/** The H.264 encoder's own options: x264's preset, or the hardware encoder's nearest equivalent. */
export function h264EncoderArgs(encoder: VideoEncoder, preset: X264Preset, cap: number | undefined): string[] {
  // A one-second buffer: the rate holds over short stretches, not just on average.
  const capped = cap ? ['-maxrate', kbits(cap), '-bufsize', kbits(cap)] : [];
  switch (encoder) {
    case 'libx264':
      // zerolatency drops the lookahead that would hold the first frames back.
      return ['-c:v', 'libx264', '-preset', preset, '-tune', 'zerolatency', '-crf', '23', ...capped, '-profile:v', 'high', '-level:v', '4.1', '-pix_fmt', 'yuv420p'];
    case 'h264_nvenc':
      return ['-c:v', 'h264_nvenc', '-preset', 'p4', '-tune', 'll', '-rc', 'vbr', '-cq', '23', ...capped, '-profile:v', 'high', '-pix_fmt', 'yuv420p'];
    case 'h264_qsv':
      return ['-c:v', 'h264_qsv', '-preset', preset === 'veryfast' ? 'faster' : 'veryfast', '-global_quality', '23', ...capped, '-profile:v', 'high'];
    case 'h264_vaapi':
      // VAAPI's VBR wants a target; the cap is both target and ceiling (a CQP has no ceiling at all).
      return ['-c:v', 'h264_vaapi', ...(cap ? ['-b:v', kbits(cap), ...capped] : ['-qp', '23']), '-profile:v', 'high'];
  }
}

export function videoArgs(o: FfmpegArgsOptions, threads: string, keyframes: string[], filterGraph: boolean): string[] {
  const d = o.decision;
  const filters = videoFilters(o);
  // With a burnt-in subtitle the filters live in -filter_complex (they follow the overlay).
  const vf = filters.length && !filterGraph ? ['-vf', filters.join(',')] : [];
  const height = outputHeight(o);
  const cap = videoBitrateCap(o.sourceBitRate, d.audio);
  const vpx = Math.min(vpxBitrate(height), cap ?? Infinity);
  switch (d.video) {
    case 'copy':
      return ['-c:v', 'copy'];
    case 'h264':
      return [...h264EncoderArgs(o.encoder ?? 'libx264', o.rung?.preset ?? 'veryfast', h264BitrateCap(o)), ...vf, ...keyframes, '-threads', threads];
    case 'vp8':
      return ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-b:v', kbits(vpx), ...(cap ? ['-maxrate', kbits(vpx)] : []), '-pix_fmt', 'yuv420p', ...vf, ...keyframes, '-threads', threads];
    case 'vp9':
      return ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-lag-in-frames', '0', '-b:v', kbits(vpx), ...(cap ? ['-maxrate', kbits(vpx)] : []), '-pix_fmt', 'yuv420p', ...vf, ...keyframes, '-threads', threads];
  }
}

/**
 * The graph that draws subtitle track N over the picture: the subtitle canvas (a DVD's 720x576,
 * a Blu-ray's 1920x1080) is scaled to the video first, then the usual filters follow.
 */
export function burnInGraph(track: number, after: readonly string[]): string {
  const tail = after.length ? `,${after.join(',')}` : '';
  return `[0:s:${track}][0:v:0]scale2ref[sub][base];[base][sub]overlay=eof_action=pass:repeatlast=0${tail}[vout]`;
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
  const reencode = d.video !== 'copy';
  const burn = reencode && o.burnSubtitle !== undefined;
  const hw = d.video === 'h264' ? hardwareInputOptions(o.encoder ?? 'libx264') : [];
  const inputOptions = ['-hide_banner', '-nostdin', '-loglevel', 'error', ...(o.progress ? ['-progress', 'pipe:2', '-stats_period', '1'] : []), ...hw, '-analyzeduration', '3000000', '-probesize', '5000000', ...(start ? ['-ss', start] : [])];
  const container = d.container === 'mp4'
    ? ['-movflags', MP4_MOVFLAGS, '-use_editlist', '1', '-f', 'mp4']
    // WebM to a pipe: no cues to write back, clusters of at most 2 s so bytes flow early.
    : ['-live', '1', '-cluster_time_limit', '2000', '-f', 'webm'];
  const outputOptions = [
    ...(burn ? ['-filter_complex', burnInGraph(o.burnSubtitle!, videoFilters(o)), '-map', '[vout]'] : ['-map', '0:v:0?']),
    ...(d.audio === 'none' ? [] : ['-map', '0:a:0?']),
    '-sn', '-dn', '-map_metadata', '-1',
    ...videoArgs(o, threads, keyframes, burn),
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
