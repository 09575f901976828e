/**
 * What a ladder rung costs on this machine, measured: a two-second encode of the film itself from
 * where the conversion starts (its decoding and picture count), at that rung, with the encoder the
 * conversion will use, timed in CPU seconds by ffmpeg itself (`-benchmark`: user + system time of
 * the whole process, so it does not matter what else the machine is doing). Remembered per
 * (source shape, rung, encoder) for the process. Without the film (or its data in time), a
 * synthetic picture of its size stands in. The Linux reader of a running ffmpeg's CPU time lives
 * here too.
 */
import { readFileSync } from 'node:fs';
import type { Decision } from './decide.js';
import { videoArgs } from './ffmpeg-args.js';
import { spawnFfmpeg } from './ffmpeg-stream.js';
import { hardwareInputOptions, type VideoEncoder } from './hw-encoders.js';
import type { Rung } from './ladder.js';

export const CALIBRATION_SECONDS = 2;
export const CALIBRATION_FPS = 24;
const CALIBRATION_TIMEOUT_MS = 30_000;
/** The real source is read through the torrent: its first seconds may still be arriving. */
const SOURCE_CALIBRATION_TIMEOUT_MS = 15_000;

export interface CalibrationKey {
  sourceWidth: number;
  sourceHeight: number;
  /** Frames per second of the source (the cost scales with it); default CALIBRATION_FPS. */
  sourceFps?: number;
  rung: Rung;
  encoder: VideoEncoder;
  video: Decision['video'];
  /**
   * The film itself, from where the conversion will start: its decoding (a 10-bit HEVC costs
   * far more than a synthetic picture) and its picture are part of the cost. `shape` groups
   * sources that cost alike (codec, pixel format, height), the cache key.
   */
  source?: { url: string; startSeconds: number; shape: string };
}

function encodeArgs(k: CalibrationKey, sourceFps: number): string[] {
  const height = Math.max(2, Math.round(k.sourceHeight / 2) * 2);
  const decision: Decision = { action: 'transcode', container: 'mp4', video: k.video, audio: 'none', reason: 'calibration' };
  return videoArgs({ input: '', decision, rung: k.rung, encoder: k.encoder, sourceHeight: height, sourceFps }, '2', [], false);
}

/** A synthetic picture of the source's size (testsrc2 at CALIBRATION_FPS), encoded at the rung. */
export function calibrationArgs(k: CalibrationKey): string[] {
  const width = Math.max(2, Math.round(k.sourceWidth / 2) * 2);
  const height = Math.max(2, Math.round(k.sourceHeight / 2) * 2);
  return [
    // -benchmark reports at info level; -nostats keeps the progress lines out.
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-benchmark',
    ...(k.video === 'h264' ? hardwareInputOptions(k.encoder) : []),
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${CALIBRATION_FPS}:duration=${CALIBRATION_SECONDS}`,
    ...encodeArgs(k, CALIBRATION_FPS), '-f', 'null', '-',
  ];
}

/** CALIBRATION_SECONDS of the film from the start point, decoded and encoded at the rung; progress on stdout. */
export function sourceCalibrationArgs(k: CalibrationKey & { source: NonNullable<CalibrationKey['source']> }): string[] {
  const start = k.source.startSeconds > 0 ? ['-ss', String(Math.round(k.source.startSeconds * 1000) / 1000)] : [];
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-benchmark', '-progress', 'pipe:1',
    ...(k.video === 'h264' ? hardwareInputOptions(k.encoder) : []),
    '-analyzeduration', '3000000', '-probesize', '5000000', ...start, '-t', String(CALIBRATION_SECONDS),
    '-i', k.source.url, '-map', '0:v:0', '-an', '-sn', '-dn',
    ...encodeArgs(k, k.sourceFps ?? CALIBRATION_FPS), '-f', 'null', '-',
  ];
}

/** CPU seconds from `-benchmark`'s `bench: utime=1.2s stime=0.1s rtime=…` line. */
export function parseBenchmark(stderr: string): number | undefined {
  const m = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(stderr);
  return m ? Number(m[1]) + Number(m[2]) : undefined;
}

/** The last `out_time_us` of `-progress` output: the media seconds really encoded. */
export function lastProgressSeconds(progress: string): number | undefined {
  const all = [...progress.matchAll(/out_time_us=(\d+)/g)];
  const last = all.at(-1);
  return last ? Number(last[1]) / 1e6 : undefined;
}

export type CalibrationRunner = (ffmpegPath: string, args: string[], timeoutMs: number) => Promise<{ stderr: string; stdout: string } | undefined>;

/** Runs a calibration encode; its output, or undefined when it failed or overran. */
export const runCalibration: CalibrationRunner = async (ffmpegPath, args, timeoutMs) => {
  const run = spawnFfmpeg({ ffmpegPath, args, graceMs: 500 });
  let stderr = '';
  let stdout = '';
  run.child.stderr?.on('data', (t: string) => {
    stderr = (stderr + t).slice(-20_000);
  });
  run.child.stdout?.setEncoding('utf8');
  run.child.stdout?.on('data', (t: string) => {
    stdout = (stdout + t).slice(-20_000);
  });
  const timer = setTimeout(() => run.stop(), timeoutMs);
  const exit = await run.exited;
  clearTimeout(timer);
  return exit.code === 0 && !exit.stopped ? { stderr, stdout } : undefined;
};

const measured = new Map<string, Promise<number | undefined>>();

export function calibrationKeyId(ffmpegPath: string, k: CalibrationKey): string {
  const what = k.source ? `source:${k.source.shape}@${k.sourceFps ?? '?'}` : `${k.sourceWidth}x${k.sourceHeight}`;
  return `${ffmpegPath}|${what}|${k.rung.id}|${k.video === 'h264' ? k.encoder : k.video}`;
}

function memo(id: string, job: () => Promise<number | undefined>): Promise<number | undefined> {
  let p = measured.get(id);
  if (!p) {
    p = job().then((cost) => {
      // A failed measurement is tried again next time rather than remembered.
      if (cost === undefined) measured.delete(id);
      return cost;
    });
    measured.set(id, p);
  }
  return p;
}

/** The synthetic calibration's cost scaled to the source's frame rate (capped by the rung). */
function syntheticCost(ffmpegPath: string, k: CalibrationKey, run: CalibrationRunner): Promise<number | undefined> {
  const synthetic = { ...k };
  delete synthetic.source;
  return memo(calibrationKeyId(ffmpegPath, synthetic), async () => {
    const out = await run(ffmpegPath, calibrationArgs(k), CALIBRATION_TIMEOUT_MS);
    const cpu = out && parseBenchmark(out.stderr);
    return cpu === undefined ? undefined : Math.max(0.01, cpu / CALIBRATION_SECONDS);
  }).then((c) => {
    if (c === undefined) return undefined;
    const fps = Math.min(k.sourceFps ?? CALIBRATION_FPS, k.rung.maxFps ?? Infinity);
    return c * (fps / CALIBRATION_FPS);
  });
}

/**
 * Cores the rung needs to convert this source in real time, or undefined when it cannot be
 * measured. Measured on the film itself when there is one (and remembered for every source of
 * its shape); on a synthetic picture when there is none or its data did not come in time.
 */
export async function calibrate(ffmpegPath: string, k: CalibrationKey, run: CalibrationRunner = runCalibration): Promise<number | undefined> {
  const source = k.source;
  if (source) {
    const cost = await memo(calibrationKeyId(ffmpegPath, k), async () => {
      const out = await run(ffmpegPath, sourceCalibrationArgs({ ...k, source }), SOURCE_CALIBRATION_TIMEOUT_MS);
      const cpu = out && parseBenchmark(out.stderr);
      const media = out && lastProgressSeconds(out.stdout);
      // Less than a second of picture (the file ends there) says too little.
      return cpu === undefined || media === undefined || media < 1 ? undefined : Math.max(0.01, cpu / media);
    });
    if (cost !== undefined) return cost;
  }
  return syntheticCost(ffmpegPath, k, run);
}

/** Linux's clock ticks per second for /proc times (USER_HZ, 100 on every Linux ABI Node runs on). */
const USER_HZ = 100;

/** A process's CPU seconds so far (user + system), from /proc; undefined elsewhere or once it is gone. */
export function procCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}
