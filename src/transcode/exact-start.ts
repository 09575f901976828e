/**
 * `&t=` exact when the video is copied. Input seeking with a copied video starts at the keyframe
 * before T (a file with 10 s between keyframes asked for 35 s starts at 30.02: the viewer sees ten
 * seconds they did not ask for), and a copy cannot start anywhere else: the frames after T need
 * the keyframe before it. So the start is spliced:
 *
 *   head  ffmpeg decodes from T (exact, input seeking then dropping frames before T) and re-encodes
 *         only up to K, the next keyframe, with the codec being copied
 *   tail  ffmpeg copies from K on, untouched
 *   join  both are MPEG-TS (the one container that concatenates byte for byte, each keyframe
 *         carrying its parameter sets in-band), read one after the other by a third ffmpeg that
 *         writes the fragmented MP4 the player gets
 *
 * Timestamps stay in file time throughout (-copyts), so the first frame is at T and the player's
 * clock shows the real position. Only the head costs an encode: at most one GOP. The commands are
 * pure data (tested without ffmpeg); startSplicedFfmpeg runs them.
 */
import { execFile } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Decision } from './decide.js';
import { audioArgs, formatSeconds, MP4_MOVFLAGS } from './ffmpeg-args.js';
import { KILL_GRACE_MS, spawnFfmpeg, type FfmpegExit, type SpawnedFfmpeg } from './ffmpeg-stream.js';

/**
 * How far past T the next keyframe is looked for, in growing windows: most files have a keyframe
 * every 2 to 10 s, and every second read past K is a second of torrent data fetched before the
 * first byte (the stretch up to K is needed anyway). Past the last, the start stays at the
 * keyframe before.
 */
export const KEYFRAME_SEARCH_SECONDS = 30;
export const KEYFRAME_SEARCH_WINDOWS: readonly number[] = [3, 12, KEYFRAME_SEARCH_SECONDS];
/** A keyframe this close after T is T (less than a frame at 25 fps): a plain copy is exact. */
export const ON_KEYFRAME_SECONDS = 0.02;
/** The encoders that can write a head matching the copied stream's codec. */
export const SPLICE_ENCODERS: Readonly<Record<string, string[]>> = {
  h264: ['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-crf', '18'],
  hevc: ['-c:v', 'libx265', '-preset', 'ultrafast', '-crf', '20', '-x265-params', 'log-level=error'],
};
const MAX_PACKET_LINES = 200_000;

/** What the packets around T say: the first keyframe at or after T, and the last packet read. */
export interface KeyframeScan {
  next: number | undefined;
  /** The latest packet time seen; before T means the file's data ends before T (truncated). */
  last: number | undefined;
}

/** ffprobe's packet list (`pts_time,flags` per line) → the first keyframe at or after T. */
export function scanKeyframes(csv: string, startSeconds: number): KeyframeScan {
  let next: number | undefined;
  let last: number | undefined;
  const lines = csv.split('\n', MAX_PACKET_LINES);
  for (const line of lines) {
    const [pts, flags = ''] = line.trim().split(',');
    const t = Number(pts);
    if (pts === undefined || pts === '' || !Number.isFinite(t)) continue;
    if (last === undefined || t > last) last = t;
    if (flags.includes('K') && t >= startSeconds - 0.0005 && (next === undefined || t < next)) next = t;
  }
  return { next, last };
}

export function nextKeyframe(csv: string, startSeconds: number): number | undefined {
  return scanKeyframes(csv, startSeconds).next;
}

export function keyframeProbeArgs(url: string, startSeconds: number, windowSeconds: number = KEYFRAME_SEARCH_SECONDS): string[] {
  // read_intervals seeks to the keyframe before T and reads on to T + window (an absolute end: a
  // relative one would count from that keyframe, not from T).
  return ['-v', 'error', '-select_streams', 'v:0', '-read_intervals', `${formatSeconds(startSeconds)}%${formatSeconds(startSeconds + windowSeconds)}`, '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', url];
}

export interface SplicePlan {
  keyframeSeconds: number;
  head: string[];
  tail: string[];
  join: string[];
}

export interface SpliceOptions {
  input: string;
  decision: Decision;
  startSeconds: number;
  /** The first keyframe at or after startSeconds. */
  keyframeSeconds: number;
  /** The copied video's codec and pixel format (the head must match them). */
  videoCodec: string;
  pixFmt?: string | undefined;
  /** The source's audio codec (a copied AAC needs its ADTS framing undone in the join). */
  audioCodec?: string | undefined;
  threads?: number;
}

/** Whether the splice applies: a copied H.264/HEVC video into MP4, started between keyframes. */
export function needsSplice(decision: Decision, videoCodec: string | undefined, startSeconds: number): boolean {
  return startSeconds > 0 && decision.video === 'copy' && decision.container === 'mp4' && videoCodec !== undefined && videoCodec in SPLICE_ENCODERS;
}

/** The three commands, or undefined when T is (within a frame) on the keyframe: a copy is exact. */
export function splicePlan(o: SpliceOptions): SplicePlan | undefined {
  const encoder = SPLICE_ENCODERS[o.videoCodec];
  if (!encoder || !needsSplice(o.decision, o.videoCodec, o.startSeconds)) return undefined;
  if (o.keyframeSeconds - o.startSeconds < ON_KEYFRAME_SECONDS) return undefined;
  const input = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-analyzeduration', '3000000', '-probesize', '5000000', '-copyts'];
  const maps = ['-map', '0:v:0', ...(o.decision.audio === 'none' ? [] : ['-map', '0:a:0?'])];
  // No muxing delay: both halves start their timestamps where the file has them.
  const ts = ['-sn', '-dn', '-map_metadata', '-1', '-muxdelay', '0', '-muxpreload', '0', '-f', 'mpegts', 'pipe:1'];
  const head = [
    ...input, '-ss', formatSeconds(o.startSeconds), '-i', o.input,
    // Input seeking keeps a copied stream's packets from the keyframe before T (the sound would
    // start at 30 s for a picture at 35): the output -ss drops them, and the offset puts the
    // timestamps it rebased back in file time. Stop just before K: the tail starts with it.
    '-ss', formatSeconds(o.startSeconds), '-to', formatSeconds(o.keyframeSeconds - 0.001), '-output_ts_offset', formatSeconds(o.startSeconds),
    ...maps,
    ...encoder, '-pix_fmt', o.pixFmt ?? 'yuv420p',
    // A keyframe a second, so the join can send the first fragment at once; frames keep the source's clock.
    '-force_key_frames', 'expr:if(isnan(prev_forced_t),1,gte(t,prev_forced_t+1))', '-enc_time_base:v', '-1',
    '-threads', String(o.threads ?? 2),
    ...audioArgs(o.decision),
    ...ts,
  ];
  const tail = [...input, '-ss', formatSeconds(o.keyframeSeconds), '-i', o.input, ...maps, '-c:v', 'copy', ...audioArgs(o.decision), ...ts];
  // MPEG-TS carries AAC as ADTS; MP4 wants it raw.
  const aacOut = o.decision.audio === 'aac' || (o.decision.audio === 'copy' && o.audioCodec === 'aac');
  const aac = aacOut ? ['-bsf:a', 'aac_adtstoasc'] : [];
  const join = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-analyzeduration', '2000000', '-probesize', '2000000', '-copyts', '-f', 'mpegts', '-i', 'pipe:0',
    '-map', '0:v:0', '-map', '0:a?', '-c', 'copy', ...aac,
    '-max_muxing_queue_size', '1024', '-movflags', MP4_MOVFLAGS, '-use_editlist', '1', '-f', 'mp4', 'pipe:1',
  ];
  return { keyframeSeconds: o.keyframeSeconds, head, tail, join };
}

function scanWindow(ffprobePath: string, url: string, startSeconds: number, windowSeconds: number, signal?: AbortSignal): Promise<KeyframeScan> {
  return new Promise((resolve, reject) => {
    execFile(ffprobePath, keyframeProbeArgs(url, startSeconds, windowSeconds), { timeout: 15_000, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024, encoding: 'utf8', ...(signal ? { signal } : {}) }, (err, stdout) => {
      if (err) reject(new Error(`ffprobe could not list keyframes: ${err.message.split('\n')[0]}`));
      else resolve(scanKeyframes(stdout, startSeconds));
    });
  });
}

/** The packets from T on, in growing windows: the first keyframe after T, or where the data ends. */
export async function findNextKeyframe(ffprobePath: string, url: string, startSeconds: number, signal?: AbortSignal): Promise<KeyframeScan> {
  let scan: KeyframeScan = { next: undefined, last: undefined };
  for (const windowSeconds of KEYFRAME_SEARCH_WINDOWS) {
    scan = await scanWindow(ffprobePath, url, startSeconds, windowSeconds, signal);
    // Found, or the data stops inside this window: a longer one would read nothing more.
    if (scan.next !== undefined || (scan.last !== undefined && scan.last < startSeconds + windowSeconds - 1)) return scan;
  }
  return scan;
}

export interface RunningSplice {
  output: Readable;
  exited: Promise<FfmpegExit>;
  stop(): void;
}

/**
 * head's output, then tail's, into join's input. The tail starts when the head has ended (so
 * nothing buffers without bound); when the join ends, for whatever reason, the others are stopped.
 */
export function startSplicedFfmpeg(o: { ffmpegPath: string; plan: SplicePlan; graceMs?: number }): RunningSplice {
  const graceMs = o.graceMs ?? KILL_GRACE_MS;
  const join = spawnFfmpeg({ ffmpegPath: o.ffmpegPath, args: o.plan.join, graceMs, stdin: 'pipe' });
  const head = spawnFfmpeg({ ffmpegPath: o.ffmpegPath, args: o.plan.head, graceMs });
  const joinIn = join.child.stdin!;
  let tail: SpawnedFfmpeg | undefined;
  let stopped = false;
  head.child.stdout!.pipe(joinIn, { end: false });
  const tailDone = head.exited.then(async (h): Promise<FfmpegExit | undefined> => {
    if (stopped || h.code !== 0) {
      joinIn.end();
      return undefined;
    }
    tail = spawnFfmpeg({ ffmpegPath: o.ffmpegPath, args: o.plan.tail, graceMs });
    tail.child.stdout!.pipe(joinIn);
    return tail.exited;
  });
  void join.exited.then(() => {
    head.stop();
    tail?.stop();
  });
  const exited = Promise.all([head.exited, tailDone, join.exited]).then(([h, t, j]): FfmpegExit => {
    if (stopped) return { ...j, stopped: true };
    // The first stage that failed on its own says why (one stopped because another ended does not).
    const stages: Array<[string, FfmpegExit | undefined]> = [['head', h], ['tail', t], ['join', j]];
    const failed = stages.find(([, e]) => e !== undefined && e.code !== 0 && !e.stopped);
    return failed ? { ...failed[1]!, stderr: `${failed[0]}: ${failed[1]!.stderr}` } : j;
  });
  return {
    output: join.child.stdout!,
    exited,
    stop: () => {
      stopped = true;
      head.stop();
      tail?.stop();
      join.stop();
    },
  };
}
