/**
 * Hardware H.264 encoders (NVENC, Quick Sync, VAAPI), found the way media servers find them: an
 * ffmpeg build lists them whether or not the machine has the device, so each is tried with a
 * one-frame test encode, under a time limit. The choice from the results is pure (pickEncoder).
 */
import { spawnFfmpeg } from './ffmpeg-stream.js';

export type HardwareEncoder = 'h264_nvenc' | 'h264_qsv' | 'h264_vaapi';
export type VideoEncoder = 'libx264' | HardwareEncoder;

/** Best first: NVENC and Quick Sync have their own rate control tuned for streaming; VAAPI is the generic door. */
export const HARDWARE_CANDIDATES: readonly HardwareEncoder[] = ['h264_nvenc', 'h264_qsv', 'h264_vaapi'];

/** The render node VAAPI opens (the first GPU); the test encode says whether it is there and works. */
export const VAAPI_DEVICE = '/dev/dri/renderD128';

export interface EncoderProbe {
  encoder: HardwareEncoder;
  ok: boolean;
  /** ffmpeg's last error line when it failed, or "timed out". */
  detail: string;
}

export interface EncoderChoice {
  encoder: VideoEncoder;
  reason: string;
}

/** Input-side options an encoder needs (the device it opens), before `-i`. */
export function hardwareInputOptions(encoder: VideoEncoder): string[] {
  switch (encoder) {
    case 'h264_vaapi':
      return ['-vaapi_device', VAAPI_DEVICE];
    case 'h264_qsv':
      return ['-init_hw_device', 'qsv=hw', '-filter_hw_device', 'hw'];
    default:
      return [];
  }
}

/** The filter that moves software frames to the encoder's device (appended to the video filters). */
export function uploadFilter(encoder: VideoEncoder): string | undefined {
  switch (encoder) {
    case 'h264_vaapi':
      return 'format=nv12,hwupload';
    case 'h264_qsv':
      return 'format=nv12,hwupload=extra_hw_frames=64';
    default:
      return undefined;
  }
}

/** The one-frame test encode's arguments for a candidate. */
export function testEncodeArgs(encoder: HardwareEncoder): string[] {
  const upload = uploadFilter(encoder);
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    ...hardwareInputOptions(encoder),
    '-f', 'lavfi', '-i', 'testsrc2=size=256x144:rate=1:duration=1',
    ...(upload ? ['-vf', upload] : []),
    '-frames:v', '1', '-c:v', encoder, '-f', 'null', '-',
  ];
}

/** The first candidate whose test encode worked; software x264 otherwise, saying why. */
export function pickEncoder(results: readonly EncoderProbe[]): EncoderChoice {
  for (const candidate of HARDWARE_CANDIDATES) {
    const r = results.find((x) => x.encoder === candidate);
    if (r?.ok) return { encoder: candidate, reason: `${candidate}: a test encode worked` };
  }
  const tried = results.map((r) => `${r.encoder} (${r.detail})`).join('; ');
  return { encoder: 'libx264', reason: tried ? `no hardware encoder works here: ${tried}; encoding with libx264` : 'no hardware encoder was tried; encoding with libx264' };
}

export type TestEncodeRunner = (ffmpegPath: string, args: string[], timeoutMs: number) => Promise<{ ok: boolean; detail: string }>;

/** Runs a test encode as a counted ffmpeg, stopped at the time limit. */
export const runTestEncode: TestEncodeRunner = async (ffmpegPath, args, timeoutMs) => {
  const run = spawnFfmpeg({ ffmpegPath, args, graceMs: 500 });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    run.stop();
  }, timeoutMs);
  const exit = await run.exited;
  clearTimeout(timer);
  if (timedOut) return { ok: false, detail: `timed out after ${timeoutMs} ms` };
  if (exit.code === 0) return { ok: true, detail: 'ok' };
  const first = exit.stderr.trim().split('\n')[0] ?? '';
  return { ok: false, detail: (first || `exit ${exit.code ?? exit.signal}`).slice(0, 160) };
};

export const TEST_ENCODE_TIMEOUT_MS = 8_000;

/** Tries every candidate, one after the other (they share the GPU), and picks. */
export async function detectEncoder(ffmpegPath: string, run: TestEncodeRunner = runTestEncode, timeoutMs = TEST_ENCODE_TIMEOUT_MS): Promise<{ choice: EncoderChoice; probes: EncoderProbe[] }> {
  const probes: EncoderProbe[] = [];
  for (const encoder of HARDWARE_CANDIDATES) {
    const r = await run(ffmpegPath, testEncodeArgs(encoder), timeoutMs);
    probes.push({ encoder, ok: r.ok, detail: r.detail });
  }
  return { choice: pickEncoder(probes), probes };
}

const detections = new Map<string, Promise<{ choice: EncoderChoice; probes: EncoderProbe[] }>>();

/** detectEncoder once per process and binary: the machine's GPUs do not change while it runs. */
export function detectEncoderOnce(ffmpegPath: string): Promise<{ choice: EncoderChoice; probes: EncoderProbe[] }> {
  let d = detections.get(ffmpegPath);
  if (!d) {
    d = detectEncoder(ffmpegPath);
    detections.set(ffmpegPath, d);
  }
  return d;
}
