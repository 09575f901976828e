/**
 * What a media file holds, from ffprobe. ffprobe reads the file through a URL (the per-request
 * loopback source in source-server.ts), not through stdin: over HTTP with ranges it reads only
 * what it needs — the first megabytes, and for an MP4 whose `moov` sits at the end, a seek to the
 * tail — and each of those reads asks the torrent for exactly those pieces first. A pipe could
 * not seek, so a moov-at-end MP4 would need the whole download before ffprobe could answer.
 */
import { execFile } from 'node:child_process';

export type Container = 'mp4' | 'webm' | 'matroska' | 'avi' | 'mpegts' | 'other';

/** One audio stream; `index` counts audio streams only, as ffmpeg's `0:a:N` does. */
export interface ProbedAudio {
  index: number;
  codec: string;
  channels: number;
  language?: string;
  title?: string;
  default: boolean;
}

/** One subtitle stream; `index` counts subtitle streams only (`0:s:N`, `?format=vtt&track=N`). */
export interface ProbedSubtitle {
  index: number;
  codec: string;
  language?: string;
  title?: string;
  default: boolean;
  forced: boolean;
  /** Text (SRT, ASS/SSA, mov_text, WebVTT) converts to WebVTT; images (PGS, VobSub) do not. */
  text: boolean;
}

export interface ProbeResult {
  container: Container;
  /** ffprobe's own format name, e.g. "matroska,webm". */
  formatName: string;
  durationSeconds: number | undefined;
  /** The whole file's bitrate in bits/s (ffprobe's format bit_rate), when it says. */
  bitRate?: number;
  video?: { codec: string; profile?: string; width: number; height: number; pixFmt?: string; /** Frames per second, when ffprobe says (the encode cost scales with it). */ fps?: number };
  /** The first audio stream: the one a conversion maps (`0:a:0`) and most players start with. */
  audio?: { codec: string; channels: number };
  /** Every audio stream, in file order (at most MAX_TRACKS). */
  audioTracks: ProbedAudio[];
  /** Every subtitle stream, in file order (at most MAX_TRACKS). */
  subtitleTracks: ProbedSubtitle[];
}

/** Codecs ffmpeg turns into WebVTT text; anything else (PGS, VobSub, DVB) is a picture. */
export const TEXT_SUBTITLE_CODECS: ReadonlySet<string> = new Set(['subrip', 'srt', 'ass', 'ssa', 'mov_text', 'webvtt', 'text']);

/** What ffprobe names a stream whose codec it does not know (ffmpeg can neither decode nor mux it). */
export const UNKNOWN_CODEC = 'unknown';

/** Which of the streams a conversion would take ffmpeg cannot handle: 'video', 'audio', both or none. */
export function unknownStreams(p: Pick<ProbeResult, 'video' | 'audio'>): Array<'video' | 'audio'> {
  return [p.video?.codec === UNKNOWN_CODEC ? 'video' : undefined, p.audio?.codec === UNKNOWN_CODEC ? 'audio' : undefined].filter((k): k is 'video' | 'audio' => k !== undefined);
}

/** A file listing more streams than this is not a film; the rest are ignored. */
export const MAX_TRACKS = 64;

/** ffprobe's JSON for a few minutes of streams is a few kB; anything larger is not ours to parse. */
export const MAX_PROBE_OUTPUT_BYTES = 512 * 1024;
export const PROBE_TIMEOUT_MS = 20_000;

const WEBM_CODECS = new Set(['vp8', 'vp9', 'av1', 'opus', 'vorbis']);

/** Maps ffprobe's format name (a comma list of demuxer aliases) to the container we reason about. */
export function containerOf(formatName: string, codecs: string[]): Container {
  const names = formatName.split(',');
  if (names.includes('mov') || names.includes('mp4')) return 'mp4';
  // The matroska demuxer answers for both; WebM is the subset with only WebM codecs.
  if (names.includes('matroska') || names.includes('webm')) return codecs.length > 0 && codecs.every((c) => WEBM_CODECS.has(c)) ? 'webm' : 'matroska';
  if (names.includes('avi')) return 'avi';
  if (names.includes('mpegts')) return 'mpegts';
  return 'other';
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length < 200 ? value : undefined;
}

function positive(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : typeof value === 'number' ? value : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** ffprobe's `N/D` rate; `0/0` and absurd values (a VFR file's timebase) are no rate. */
export function frameRate(value: unknown): number | undefined {
  const m = typeof value === 'string' ? /^(\d+)\/(\d+)$/.exec(value) : null;
  if (!m || Number(m[2]) === 0) return undefined;
  const fps = Number(m[1]) / Number(m[2]);
  return fps > 0 && fps <= 240 ? Math.round(fps * 1000) / 1000 : undefined;
}

/**
 * Parses `ffprobe -print_format json -show_format -show_streams`. Throws on output that is not
 * that shape; the first video and audio streams are the ones players pick by default. Cover art
 * (attached pictures, e.g. an mjpeg in an MP4) is not the video.
 */
export function parseProbeOutput(output: string): ProbeResult {
  if (output.length > MAX_PROBE_OUTPUT_BYTES) throw new Error(`ffprobe printed ${output.length} bytes, more than ${MAX_PROBE_OUTPUT_BYTES}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    throw new Error('ffprobe did not print JSON');
  }
  const root = record(parsed);
  const format = record(root?.['format']);
  const streams = Array.isArray(root?.['streams']) ? (root['streams'] as unknown[]).map(record).filter((s): s is Record<string, unknown> => !!s) : [];
  if (!format || !text(format['format_name'])) throw new Error('ffprobe output has no format');
  const isCoverArt = (s: Record<string, unknown>): boolean => record(s['disposition'])?.['attached_pic'] === 1;
  const v = streams.find((s) => s['codec_type'] === 'video' && !isCoverArt(s));
  const a = streams.find((s) => s['codec_type'] === 'audio');
  // A stream ffprobe cannot identify has no codec_name: it is still there, and nothing can convert it.
  const videoCodec = v ? (text(v['codec_name']) ?? UNKNOWN_CODEC) : undefined;
  const audioCodec = a ? (text(a['codec_name']) ?? UNKNOWN_CODEC) : undefined;
  const formatName = text(format['format_name'])!;
  const result: ProbeResult = {
    container: containerOf(formatName, [videoCodec, audioCodec].filter((c): c is string => !!c)),
    formatName,
    durationSeconds: positive(format['duration']) ?? positive(v?.['duration']) ?? positive(a?.['duration']),
    audioTracks: audioTracksOf(streams),
    subtitleTracks: subtitleTracksOf(streams),
  };
  const bitRate = positive(format['bit_rate']);
  if (bitRate) result.bitRate = bitRate;
  if (v && videoCodec) {
    const profile = text(v['profile']);
    const pixFmt = text(v['pix_fmt']);
    const fps = frameRate(v['avg_frame_rate']) ?? frameRate(v['r_frame_rate']);
    result.video = { codec: videoCodec, width: positive(v['width']) ?? 0, height: positive(v['height']) ?? 0, ...(profile ? { profile } : {}), ...(pixFmt ? { pixFmt } : {}), ...(fps ? { fps } : {}) };
  }
  if (a && audioCodec) result.audio = { codec: audioCodec, channels: positive(a['channels']) ?? 2 };
  return result;
}

/** ffprobe puts the language and title in `tags`, with the case the muxer chose. */
function tag(s: Record<string, unknown>, name: string): string | undefined {
  const tags = record(s['tags']);
  if (!tags) return undefined;
  const key = Object.keys(tags).find((k) => k.toLowerCase() === name);
  const value = key ? text(tags[key]) : undefined;
  // Languages are ISO 639 codes; a title is shown to people, so control characters go.
  return value?.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 100) || undefined;
}

function flag(s: Record<string, unknown>, name: string): boolean {
  return record(s['disposition'])?.[name] === 1;
}

function audioTracksOf(streams: Record<string, unknown>[]): ProbedAudio[] {
  return streams
    .filter((s) => s['codec_type'] === 'audio')
    .slice(0, MAX_TRACKS)
    .map((s, index) => {
      const language = tag(s, 'language');
      const title = tag(s, 'title');
      return { index, codec: text(s['codec_name']) ?? UNKNOWN_CODEC, channels: positive(s['channels']) ?? 2, ...(language ? { language } : {}), ...(title ? { title } : {}), default: flag(s, 'default') };
    });
}

function subtitleTracksOf(streams: Record<string, unknown>[]): ProbedSubtitle[] {
  return streams
    .filter((s) => s['codec_type'] === 'subtitle')
    .slice(0, MAX_TRACKS)
    .map((s, index) => {
      const codec = text(s['codec_name']) ?? UNKNOWN_CODEC;
      const language = tag(s, 'language');
      const title = tag(s, 'title');
      return { index, codec, ...(language ? { language } : {}), ...(title ? { title } : {}), default: flag(s, 'default'), forced: flag(s, 'forced'), text: TEXT_SUBTITLE_CODECS.has(codec) };
    });
}

export function probeArgs(url: string): string[] {
  // 5 MB / 3 s of analysis is enough for the stream list; bigger values only delay the start.
  return ['-v', 'error', '-probesize', '5000000', '-analyzeduration', '3000000', '-print_format', 'json', '-show_format', '-show_streams', url];
}

/** Runs ffprobe on a URL with a time limit; an abort (the client left) kills it. */
export function probe(url: string, opts: { ffprobePath: string; timeoutMs?: number; signal?: AbortSignal }): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    execFile(
      opts.ffprobePath,
      probeArgs(url),
      { timeout: opts.timeoutMs ?? PROBE_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: MAX_PROBE_OUTPUT_BYTES, encoding: 'utf8', ...(opts.signal ? { signal: opts.signal } : {}) },
      (err, stdout, stderr) => {
        if (err) {
          const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${opts.ffprobePath} was not found` : (stderr.trim().split('\n').pop() ?? err.message);
          reject(new Error(`ffprobe failed: ${why}`));
          return;
        }
        try {
          resolve(parseProbeOutput(stdout));
        } catch (e) {
          reject(e);
        }
      },
    );
  });
}
