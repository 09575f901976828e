/**
 * What a ladder rung costs on this machine, measured: a two-second encode of a synthetic picture
 * of the source's size at that rung, with the encoder the conversion will use, timed in CPU
 * seconds by ffmpeg itself (`-benchmark`: user + system time of the whole process, so it does not
 * matter what else the machine is doing). Each (size, rung, encoder) is measured once per process.
 * Linux readers of a running ffmpeg's CPU time live here too.
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

export interface CalibrationKey {
  sourceWidth: number;
  sourceHeight: number;
  rung: Rung;
  encoder: VideoEncoder;
  video: Decision['video'];
}

export function calibrationArgs(k: CalibrationKey): string[] {
  const width = Math.max(2, Math.round(k.sourceWidth / 2) * 2);
  const height = Math.max(2, Math.round(k.sourceHeight / 2) * 2);
  const decision: Decision = { action: 'transcode', container: 'mp4', video: k.video, audio: 'none', reason: 'calibration' };
  const encode = videoArgs({ input: '', decision, rung: k.rung, encoder: k.encoder, sourceHeight: height, sourceFps: CALIBRATION_FPS }, '2', [], false);
  return [
    // -benchmark reports at info level; -nostats keeps the progress lines out.
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info', '-benchmark',
    ...(k.video === 'h264' ? hardwareInputOptions(k.encoder) : []),
    '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${CALIBRATION_FPS}:duration=${CALIBRATION_SECONDS}`,
    ...encode, '-f', 'null', '-',
  ];
}

/** CPU seconds from `-benchmark`'s `bench: utime=1.2s stime=0.1s rtime=…` line. */
export function parseBenchmark(stderr: string): number | undefined {
  const m = /bench: utime=([\d.]+)s stime=([\d.]+)s/.exec(stderr);
  return m ? Number(m[1]) + Number(m[2]) : undefined;
}

export type CalibrationRunner = (ffmpegPath: string, args: string[]) => Promise<string | undefined>;

/** Runs a calibration encode; its stderr, or undefined when it failed or overran. */
export const runCalibration: CalibrationRunner = async (ffmpegPath, args) => {
  const run = spawnFfmpeg({ ffmpegPath, args, graceMs: 500 });
  let full = '';
  run.child.stderr?.on('data', (t: string) => {
    full = (full + t).slice(-20_000);
  });
  const timer = setTimeout(() => run.stop(), CALIBRATION_TIMEOUT_MS);
  const exit = await run.exited;
  clearTimeout(timer);
  return exit.code === 0 && !exit.stopped ? full : undefined;
};

const measured = new Map<string, Promise<number | undefined>>();

export function calibrationKeyId(ffmpegPath: string, k: CalibrationKey): string {
  return `${ffmpegPath}|${k.sourceWidth}x${k.sourceHeight}|${k.rung.id}|${k.video === 'h264' ? k.encoder : k.video}`;
}

/** Cores the rung needs for real time at CALIBRATION_FPS, or undefined when the encode failed. */
export function calibrate(ffmpegPath: string, k: CalibrationKey, run: CalibrationRunner = runCalibration): Promise<number | undefined> {
  const id = calibrationKeyId(ffmpegPath, k);
  let job = measured.get(id);
  if (!job) {
    job = run(ffmpegPath, calibrationArgs(k)).then((stderr) => {
      const cpu = stderr === undefined ? undefined : parseBenchmark(stderr);
      // A failed measurement is tried again next time rather than remembered.
      if (cpu === undefined) measured.delete(id);
      return cpu === undefined ? undefined : Math.max(0.01, cpu / CALIBRATION_SECONDS);
    });
    measured.set(id, job);
  }
  return job;
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
