/**
 * Real video clips made by ffmpeg's lavfi sources (testsrc2 draws a running clock, so a frame's
 * time is visible), for transcoding tests and the bench. Each kind is made once per process into
 * one temp folder, removed when the process exits.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from './require-tool.js';

const run = promisify(execFile);

export type ClipKind = 'h264-aac-mp4' | 'hevc-ac3-mkv' | 'mpeg4-mp3-avi' | 'h264-ac3-mkv' | 'h264-dts-mkv' | 'h264-aac-mkv' | 'h264-srt-mkv' | 'hevc10-dts-srt-mkv';

export interface ClipOptions {
  seconds?: number;
  width?: number;
  height?: number;
  rate?: number;
  /** Seconds between keyframes (default 2); long GOPs show where copy-mode seeking lands. */
  keyframeSeconds?: number;
  ffmpegPath?: string;
}

export interface Clip {
  kind: ClipKind;
  path: string;
  /** File name with the extension players and mimeFor expect. */
  name: string;
  seconds: number;
  bytes: Buffer;
}

let dir: string | undefined;
const made = new Map<string, Promise<Clip>>();

function clipsDir(): string {
  if (!dir) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-clips-'));
    const created = dir;
    process.once('exit', () => fs.rmSync(created, { recursive: true, force: true }));
  }
  return dir;
}

const EXT: Record<ClipKind, string> = { 'h264-aac-mp4': 'mp4', 'hevc-ac3-mkv': 'mkv', 'mpeg4-mp3-avi': 'avi', 'h264-ac3-mkv': 'mkv', 'h264-dts-mkv': 'mkv', 'h264-aac-mkv': 'mkv', 'h264-srt-mkv': 'mkv', 'hevc10-dts-srt-mkv': 'mkv' };

/** Codec arguments per kind; by default a keyframe every 2 s so input seeking lands near the asked time. */
function codecArgs(kind: ClipKind, rate: number, keyframeSeconds: number): string[] {
  const gop = String(Math.round(rate * keyframeSeconds));
  // Fixed GOPs: no scene-cut keyframes, so "the keyframe before T" is where the test expects it.
  const h264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', gop, '-keyint_min', gop, '-sc_threshold', '0'];
  switch (kind) {
    case 'h264-ac3-mkv':
      return [...h264, '-c:a', 'ac3', '-b:a', '192k', '-ac', '6'];
    case 'h264-dts-mkv':
      // ffmpeg's own DTS encoder is marked experimental; it writes a core stream every player reads.
      return [...h264, '-c:a', 'dca', '-strict', '-2', '-ac', '2'];
    case 'h264-aac-mkv':
      return [...h264, '-c:a', 'aac', '-b:a', '96k'];
    case 'h264-srt-mkv':
      // The SubRip track of CLIP_SUBTITLES, embedded as the file's default English track.
      return [...h264, '-c:a', 'aac', '-b:a', '96k', '-c:s', 'srt', '-metadata:s:s:0', 'language=eng', '-metadata:s:s:0', 'title=English', '-disposition:s:0', 'default'];
    case 'h264-aac-mp4':
      return ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', gop, '-c:a', 'aac', '-b:a', '96k', '-movflags', '+faststart'];
    case 'hevc-ac3-mkv':
      return ['-c:v', 'libx265', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-x265-params', `keyint=${gop}:log-level=error`, '-c:a', 'ac3', '-b:a', '128k'];
    case 'hevc10-dts-srt-mkv':
      // What a 1080p web release looks like: 10-bit HEVC, 5.1 DTS, an embedded English SubRip track.
      return ['-c:v', 'libx265', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p10le', '-x265-params', `keyint=${gop}:log-level=error`, '-c:a', 'dca', '-strict', '-2', '-ac', '6', '-c:s', 'srt', '-metadata:s:s:0', 'language=eng', '-disposition:s:0', 'default'];
    case 'mpeg4-mp3-avi':
      return ['-c:v', 'mpeg4', '-q:v', '5', '-g', gop, '-c:a', 'libmp3lame', '-b:a', '96k'];
  }
}

/** The cues of the 'h264-srt-mkv' clip's embedded SubRip track (seconds in file time, before muxing). */
export const CLIP_SUBTITLES = [
  { start: 4, end: 6.5, text: 'Hello from the middle' },
  { start: 14, end: 15, text: 'Second cue' },
] as const;

function srtTime(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)},${pad(ms % 1000, 3)}`;
}

/** Inputs beyond picture and sound, with the maps that pick every stream. */
function extraInputs(kind: ClipKind): string[] {
  if (kind !== 'h264-srt-mkv' && kind !== 'hevc10-dts-srt-mkv') return [];
  const srt = path.join(clipsDir(), 'cues.srt');
  fs.writeFileSync(srt, CLIP_SUBTITLES.map((c, i) => `${i + 1}\n${srtTime(c.start)} --> ${srtTime(c.end)}\n${c.text}\n`).join('\n'));
  return ['-i', srt, '-map', '0:v', '-map', '1:a', '-map', '2:s'];
}

export function makeClip(kind: ClipKind, opts: ClipOptions = {}): Promise<Clip> {
  const seconds = opts.seconds ?? 12;
  const width = opts.width ?? 320;
  const height = opts.height ?? 240;
  const rate = opts.rate ?? 25;
  const keyframeSeconds = opts.keyframeSeconds ?? 2;
  const key = `${kind}-${seconds}s-${width}x${height}-${rate}${keyframeSeconds === 2 ? '' : `-g${keyframeSeconds}`}`;
  const cached = made.get(key);
  if (cached) return cached;
  const name = `${key}.${EXT[kind]}`;
  const file = path.join(clipsDir(), name);
  const ffmpeg = opts.ffmpegPath ?? process.env['FFMPEG_PATH'] ?? 'ffmpeg';
  requireTool('ffmpeg', ffmpeg);
  const job = run(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${rate}:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    ...extraInputs(kind),
    ...codecArgs(kind, rate, keyframeSeconds),
    // -shortest would end the file with its last subtitle; the sources already last `seconds`.
    ...(kind === 'h264-srt-mkv' || kind === 'hevc10-dts-srt-mkv' ? ['-t', String(seconds)] : ['-shortest']), file,
  ], { maxBuffer: 1024 * 1024 }).then(() => ({ kind, path: file, name, seconds, bytes: fs.readFileSync(file) }));
  made.set(key, job);
  job.catch(() => made.delete(key));
  return job;
}

export interface MediaInspection {
  /** Stream codec names in stream order, e.g. ['h264', 'aac']. */
  codecs: string[];
  /** First video packet's presentation time (s), as a player would show it. */
  firstVideoPts: number | undefined;
  /** Earliest and latest-ending packet times (s) over all streams. */
  start: number;
  end: number;
}

/**
 * Reads every packet's time with ffprobe: fragmented MP4 and live WebM carry no duration in
 * their headers, so the span of the packets is the duration a player would play.
 */
export async function inspectMedia(file: string, ffprobePath = process.env['FFPROBE_PATH'] ?? 'ffprobe'): Promise<MediaInspection> {
  requireTool('ffprobe', ffprobePath);
  const { stdout } = await run(ffprobePath, ['-v', 'error', '-show_entries', 'stream=codec_name,codec_type:packet=stream_index,pts_time,duration_time', '-of', 'json', file], { maxBuffer: 64 * 1024 * 1024 });
  const parsed = JSON.parse(stdout) as { streams?: Array<{ codec_name?: string; codec_type?: string }>; packets?: Array<{ stream_index?: number; pts_time?: string; duration_time?: string }> };
  const streams = parsed.streams ?? [];
  const videoIndex = streams.findIndex((s) => s.codec_type === 'video');
  let start = Infinity;
  let end = -Infinity;
  let firstVideoPts: number | undefined;
  for (const p of parsed.packets ?? []) {
    const pts = Number(p.pts_time);
    if (!Number.isFinite(pts)) continue;
    start = Math.min(start, pts);
    end = Math.max(end, pts + (Number(p.duration_time) || 0));
    if (p.stream_index === videoIndex && (firstVideoPts === undefined || pts < firstVideoPts)) firstVideoPts = pts;
  }
  return { codecs: streams.map((s) => s.codec_name ?? '?'), firstVideoPts, start, end };
}

/** inspectMedia over bytes in memory (an HTTP body), through a temporary file removed after. */
export async function inspectBody(body: Buffer, ext: string): Promise<MediaInspection> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-media-out-'));
  try {
    const file = path.join(tmp, `out.${ext}`);
    fs.writeFileSync(file, body);
    return await inspectMedia(file);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
