/**
 * `/stream/:infoHash/:fileIndex?transcode=mp4|webm[&t=SECONDS][&device=ID]`: probe the torrent
 * file, decide what the device needs, and stream ffmpeg's output while the torrent downloads.
 *
 * No Range on the output (its length is unknown until the end): a seek is a new request with
 * `?t=`, which restarts ffmpeg with input seeking. The real duration goes in X-Content-Duration
 * and Content-Duration so players show the whole length, and the timestamps carry `t`.
 */
import os from 'node:os';
import path from 'node:path';
import type { Request, Response } from 'express';
import type { TorrentManager } from '../core/torrent-manager.js';
import type { EventBus } from '../events.js';
import { sendJsonError } from '../server/json-error.js';
import { DEVICE_PROFILES } from './capabilities.js';
import { decide, decideWithoutProbe, withBurnIn, type Decision } from './decide.js';
import { buildFfmpegArgs, formatSeconds, toArgv } from './ffmpeg-args.js';
import type { Readable } from 'node:stream';
import { checkBinary, KILL_GRACE_MS, Slots, startFfmpeg, type FfmpegExit } from './ffmpeg-stream.js';
import { findNextKeyframe, needsSplice, splicePlan, startSplicedFfmpeg, type SplicePlan } from './exact-start.js';
import { unknownStreams, type ProbeResult } from './probe.js';
import { ProbeCache } from './probe-cache.js';
import { convertedShape, dlnaFeaturesFor, dlnaProfileOf } from './dlna-profiles.js';
import { parseTranscodeQuery } from './query.js';
import { startSessionFileSource } from './source-server.js';
import { createSubtitleHandler } from './subtitle-route.js';
import { calibrate as calibrateRung, procCpuSeconds, type CalibrationKey } from './calibrate.js';
import { ConversionLoad, type Calibrate, type SourceShape, type Ticket } from './conversion-load.js';
import { detectEncoderOnce, type EncoderChoice, type EncoderProbe, type VideoEncoder } from './hw-encoders.js';
import { ladderFor, type Rung } from './ladder.js';

export interface TranscodeLogEntry {
  level: 'info' | 'warn' | 'error';
  msg: string;
  [field: string]: unknown;
}

export interface TranscodeRecord {
  time: string;
  infoHash: string;
  fileIndex: number;
  device: string;
  startSeconds: number;
  durationSeconds: number | undefined;
  decision: Decision;
}

export interface TranscodeOptions {
  /** ffmpeg binary; default `ffmpeg` from PATH. */
  ffmpegPath?: string;
  /** ffprobe binary; default: next to ffmpegPath, else `ffprobe` from PATH. */
  ffprobePath?: string;
  /** ffmpeg processes at once; default 4 (video re-encodes are further held to what the capacity model admits). */
  maxConcurrent?: number;
  /** How long a request waits for a free slot before 503 E_BUSY; default 5 s. */
  queueWaitMs?: number;
  graceMs?: number;
  log?: (entry: TranscodeLogEntry) => void;
  /** Each decision as it is made (the `transcode` event). */
  onDecision?: (record: TranscodeRecord) => void;
  /** Probe answers shared with the cast plan and DLNA listings; default: a cache of its own. */
  probes?: ProbeCache;
  /** The H.264 encoder found by test encodes; default: detected once, when a conversion or the status first needs it. */
  encoder?: Promise<{ choice: EncoderChoice; probes: EncoderProbe[] }>;
  /** The capacity model's inputs, measured unless given (tests inject them). */
  capacity?: {
    cores?: number;
    calibrate?: (key: CalibrationKey) => Promise<number | undefined>;
    cpuSecondsOf?: (pid: number) => number | undefined;
    settleMs?: number;
  };
}

/** What the transcoder runs with and what it carries now (`GET /api/transcoder`). */
export interface TranscoderStatus {
  encoder: VideoEncoder;
  encoderReason: string;
  hardwareTests: EncoderProbe[];
  cores: number;
  budgetCores: number;
  /** `held`: the cores it keeps (its planned share, or its cost when dearer). */
  conversions: Array<{ rung: string; cost: number; measured: boolean; held: number }>;
}

export type TranscodeTarget = { infoHash: string; fileIndex: number; contentType: string };

export type TranscodeHandler = ((req: Request, res: Response, target: TranscodeTarget) => Promise<void>) & {
  status(): Promise<TranscoderStatus>;
  /** Why a conversion with this decision would be refused now (E_CAPACITY), or undefined. */
  capacityCheck(decision: Decision, probed: ProbeResult | undefined): Promise<string | undefined>;
  /** Settles once the hardware test encodes it started (if any) have ended. */
  close(): Promise<void>;
};

const BINARY_RECHECK_MS = 10_000;

export function defaultFfprobePath(ffmpegPath: string): string {
  if (!ffmpegPath.includes('/') && !ffmpegPath.includes('\\')) return 'ffprobe';
  const base = path.basename(ffmpegPath);
  return path.join(path.dirname(ffmpegPath), base.replace(/ffmpeg/i, 'ffprobe'));
}

/** Header values must be visible ASCII; reasons are ours, but file-derived words could slip in. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
}

export function decisionHeader(d: Decision): string {
  return `${d.action}; container=${d.container}; video=${d.video}; audio=${d.audio}${d.scaleHeight ? `; height=${d.scaleHeight}` : ''}`;
}

/** The ffmpeg side of `/stream/...` (`?transcode=`, and `?format=vtt&track=N`) for the torrents `manager` holds. */
export function createTranscodeHandler(opts: TranscodeOptions & { manager: TorrentManager; bus: EventBus }): TranscodeHandler {
  const { manager, bus } = opts;
  const ffmpegPath = opts.ffmpegPath ?? 'ffmpeg';
  const ffprobePath = opts.ffprobePath ?? defaultFfprobePath(ffmpegPath);
  const log = opts.log ?? (() => {});
  const slots = new Slots(opts.maxConcurrent ?? 4);
  const probes = opts.probes ?? new ProbeCache({ ffprobePath });
  let binary: { ok: boolean; message: string; at: number } | undefined;
  let warned = false;

  const ffmpegAvailable = async (): Promise<{ ok: boolean; message: string }> => {
    if (binary && (binary.ok || Date.now() - binary.at < BINARY_RECHECK_MS)) return binary;
    const r = await checkBinary(ffmpegPath);
    binary = r.ok ? { ok: true, message: r.version, at: Date.now() } : { ok: false, message: r.message, at: Date.now() };
    return binary;
  };

  const cores = opts.capacity?.cores ?? os.availableParallelism();
  const load = new ConversionLoad({ cores, cpuSecondsOf: opts.capacity?.cpuSecondsOf ?? procCpuSeconds, ...(opts.capacity?.settleMs !== undefined ? { settleMs: opts.capacity.settleMs } : {}) });
  const calibrate = opts.capacity?.calibrate ?? ((k: CalibrationKey) => calibrateRung(ffmpegPath, k));
  let detected = opts.encoder;
  const encoder = (): Promise<{ choice: EncoderChoice; probes: EncoderProbe[] }> => (detected ??= detectEncoderOnce(ffmpegPath));

  /** The ladder, cost group and calibration a video re-encode of this source is judged by. */
  const conversionShape = async (decision: Decision, probed: ProbeResult | undefined, source?: { url: string; startSeconds: number }): Promise<{ ladder: Rung[]; shape: SourceShape; calibrate: Calibrate; encoder: VideoEncoder }> => {
    const enc: VideoEncoder = decision.video === 'h264' ? (await encoder()).choice.encoder : 'libx264';
    // Unprobed: assume a 1080p film, the common case and the dear one.
    const width = probed?.video?.width || 1920;
    const height = probed?.video?.height || 1080;
    const fps = probed?.video?.fps;
    const shape = { key: probed?.video ? `${probed.video.codec}/${probed.video.pixFmt ?? '?'}/${height}` : 'unprobed' };
    return {
      ladder: ladderFor(decision.scaleHeight ?? height, fps),
      shape,
      calibrate: (rung) => calibrate({ sourceWidth: width, sourceHeight: height, ...(fps ? { sourceFps: fps } : {}), rung, encoder: enc, video: decision.video, ...(source && probed?.video ? { source: { ...source, shape: shape.key } } : {}) }),
      encoder: enc,
    };
  };

  /**
   * A video re-encode is admitted by the capacity model at the best ladder rung that holds real
   * time beside the others; copies and sound-only conversions cost little and are not counted.
   */
  const admitConversion = async (decision: Decision, probed: ProbeResult | undefined, source: { url: string; startSeconds: number }, signal: AbortSignal): Promise<{ ok: true; ticket: Ticket; encoder: VideoEncoder } | { ok: false; message: string }> => {
    const c = await conversionShape(decision, probed, source);
    const admission = await load.admit(c.ladder, c.shape, c.calibrate, opts.queueWaitMs ?? 5_000, signal);
    return admission.ok ? { ok: true, ticket: admission.ticket, encoder: c.encoder } : admission;
  };

  /** Why a conversion with this decision would be refused now, or undefined when it would run. */
  const capacityCheck = async (decision: Decision, probed: ProbeResult | undefined): Promise<string | undefined> => {
    if (decision.video === 'copy') return undefined;
    const c = await conversionShape(decision, probed);
    const r = await load.preview(c.ladder, c.shape, c.calibrate);
    return r.ok ? undefined : r.message;
  };

  const subtitles = createSubtitleHandler({ manager, probes, ffmpegPath, ffmpegAvailable, log, ...(opts.graceMs ? { graceMs: opts.graceMs } : {}) });

  const handler = async (req: Request, res: Response, target: TranscodeTarget): Promise<void> => {
    // The other ffmpeg job on /stream: a video's own subtitle track as WebVTT.
    if (req.query['format'] === 'vtt') return subtitles(req, res, target);
    // Everything below ends with the client: probe, wait for a slot, ffmpeg.
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    if (res.destroyed) gone.abort();
    const parsed = parseTranscodeQuery(req.query as Record<string, unknown>, Object.keys(DEVICE_PROFILES));
    if (!parsed.ok) return sendJsonError(res, 'E_BAD_ARGUMENT', parsed.message);
    const { container, startSeconds, device, burnSubtitle } = parsed.value;
    const session = manager.session(target.infoHash);
    const file = session?.files[target.fileIndex];
    if (!session || !file) return sendJsonError(res, 'E_NOT_FOUND', `torrent ${target.infoHash} has no file ${target.fileIndex}`);

    const bin = await ffmpegAvailable();
    if (!bin.ok) {
      const message = `cannot transcode: ${bin.message}. Install ffmpeg (e.g. apt-get install ffmpeg) or pass its path with --ffmpeg PATH; the original stream still works without ?transcode`;
      if (!warned) {
        warned = true;
        bus.emit('warning', { message, code: 'E_NO_FFMPEG' });
      }
      log({ level: 'warn', msg: 'ffmpeg missing', ffmpegPath, detail: bin.message });
      return sendJsonError(res, 'E_NO_FFMPEG', message, `original: /stream/${target.infoHash}/${target.fileIndex}`);
    }

    if (gone.signal.aborted) return;
    // The first conversion runs the hardware test encodes: started now, they overlap the probe
    // instead of adding to the time to first byte (a copy that never needs them pays ~0.3 s CPU once).
    if (container === 'mp4') void encoder().catch(() => undefined);
    const source = await startSessionFileSource(session, target.fileIndex);
    let release: (() => void) | undefined;
    let ticket: Ticket | undefined;
    let videoEncoder: VideoEncoder = 'libx264';
    try {
      let probed: ProbeResult | undefined;
      try {
        probed = await probes.probeUrl(target.infoHash, target.fileIndex, source.url, gone.signal);
      } catch (err) {
        if (gone.signal.aborted) return;
        log({ level: 'warn', msg: 'probe failed', infoHash: target.infoHash, fileIndex: target.fileIndex, error: String(err) });
      }
      const unknown = probed ? unknownStreams(probed) : [];
      if (unknown.length > 0) {
        return sendJsonError(res, 'E_TRANSCODE', `torrent ${target.infoHash} file ${target.fileIndex}: ffmpeg does not know its ${unknown.join(' and ')} codec, so it cannot be converted`, `play the original: /stream/${target.infoHash}/${target.fileIndex}`);
      }
      const caps = DEVICE_PROFILES[device]!;
      let decision = probed ? decide(probed, caps, { container }) : decideWithoutProbe(caps, container, 'ffprobe failed');
      if (burnSubtitle !== undefined) {
        const track = probed?.subtitleTracks[burnSubtitle];
        if (!probed) return sendJsonError(res, 'E_TRANSCODE', `torrent ${target.infoHash} file ${target.fileIndex} could not be probed, so its subtitle track ${burnSubtitle} cannot be burnt in`, 'retry once more of the file has downloaded, or play it without burn=');
        if (!track) return sendJsonError(res, 'E_NOT_FOUND', `torrent ${target.infoHash} file ${target.fileIndex} has ${probed.subtitleTracks.length} subtitle track(s); there is no track ${burnSubtitle} to burn in`);
        if (track.text) return sendJsonError(res, 'E_BAD_ARGUMENT', `subtitle track ${burnSubtitle} is text (${track.codec}): it is sent as WebVTT (?format=vtt&track=${burnSubtitle}), not burnt in; burn= is for picture subtitles (PGS, VobSub)`);
        decision = withBurnIn(decision, caps, track);
      }
      const duration = probed?.durationSeconds;
      if (duration !== undefined && startSeconds >= duration) {
        return sendJsonError(res, 'E_BAD_ARGUMENT', `t=${startSeconds} is past the end of the file (${formatSeconds(duration)} s)`);
      }
      const record: TranscodeRecord = { time: new Date().toISOString(), infoHash: target.infoHash, fileIndex: target.fileIndex, device, startSeconds, durationSeconds: duration, decision };
      opts.onDecision?.(record);
      log({ level: 'info', msg: 'transcode decision', infoHash: target.infoHash, fileIndex: target.fileIndex, device, startSeconds, ...decision });

      const headersType = container === 'mp4' ? 'video/mp4' : 'video/webm';
      const headers: Record<string, string> = {
        'Content-Type': headersType,
        'Accept-Ranges': 'none',
        'Cache-Control': 'no-store',
        'X-Transcode-Decision': decisionHeader(decision),
        'X-Transcode-Reason': headerSafe(decision.reason),
        ...(startSeconds > 0 ? { 'X-Transcode-Start': formatSeconds(startSeconds) } : {}),
        ...(burnSubtitle !== undefined ? { 'X-Transcode-Burn': String(burnSubtitle) } : {}),
        ...(duration !== undefined ? { 'X-Content-Duration': formatSeconds(duration), 'Content-Duration': String(Math.round(duration)) } : {}),
        // DLNA renderers ask for this: converted content (CI=1), no byte seeking (OP=00), streaming,
        // and the profile the conversion really has (the one the listing's <res> claims).
        ...(req.get('getcontentFeatures.dlna.org') === '1'
          ? { 'contentFeatures.dlna.org': dlnaFeaturesFor(probed ? dlnaProfileOf(convertedShape(decision, probed), headersType) : undefined, 'converted'), 'transferMode.dlna.org': 'Streaming' }
          : {}),
      };
      if (req.method === 'HEAD') {
        res.status(200).set(headers).end();
        return;
      }
      if (decision.video !== 'copy') {
        const admitted = await admitConversion(decision, probed, { url: source.url, startSeconds }, gone.signal);
        if (gone.signal.aborted) return;
        if (!admitted.ok) {
          log({ level: 'warn', msg: 'conversion refused', infoHash: target.infoHash, fileIndex: target.fileIndex, reason: admitted.message });
          res.set('Retry-After', '10');
          return sendJsonError(res, 'E_CAPACITY', `torrent ${target.infoHash} file ${target.fileIndex}: ${admitted.message}`, 'stop another converted stream, or play the original stream if this screen can');
        }
        ticket = admitted.ticket;
        videoEncoder = admitted.encoder;
        headers['X-Transcode-Rung'] = `${ticket.rung.id}; encoder=${videoEncoder}`;
        log({ level: 'info', msg: 'conversion admitted', infoHash: target.infoHash, fileIndex: target.fileIndex, rung: ticket.rung.id, encoder: videoEncoder, predictedCores: ticket.predicted });
      }
      release = await slots.acquire(opts.queueWaitMs ?? 5_000, gone.signal);
      if (gone.signal.aborted) return;
      if (!release) {
        res.set('Retry-After', '2');
        return sendJsonError(res, 'E_BUSY', `all ${slots.max} transcodes are in use; try again shortly or play the original stream`, 'stop another transcoded stream, or raise the limit');
      }
      const what = { infoHash: target.infoHash, fileIndex: target.fileIndex };
      const start = await exactStart(source.url, decision, startSeconds, probed, gone.signal, what);
      if (gone.signal.aborted) return;
      if (start.dataEndsAt !== undefined) {
        // A copy from there would send the file's last GOP labelled as T.
        return sendJsonError(res, 'E_TRANSCODE', `torrent ${target.infoHash} file ${target.fileIndex}: its data ends at ${formatSeconds(start.dataEndsAt)} s, before t=${formatSeconds(startSeconds)} (the file looks truncated)`, 'start earlier, or play the original');
      }
      const splice = start.plan;
      if (startSeconds > 0) headers['X-Transcode-Seek'] = splice ? `exact; keyframe=${formatSeconds(splice.keyframeSeconds)}` : decision.video === 'copy' ? 'keyframe' : 'exact';
      if (splice) {
        await runFfmpeg(req, res, headers, { start: () => startSplicedFfmpeg({ ffmpegPath, plan: splice, graceMs: opts.graceMs ?? KILL_GRACE_MS }), commandLine: `${splice.head.join(' ')} | ${splice.tail.join(' ')} | ${splice.join.join(' ')}`, gone: gone.signal, what });
      } else {
        const t = ticket;
        const plan = buildFfmpegArgs({
          input: source.url,
          decision,
          startSeconds,
          ...(probed?.video ? { sourceHeight: probed.video.height, ...(probed.video.fps ? { sourceFps: probed.video.fps } : {}) } : {}),
          ...(probed?.bitRate ? { sourceBitRate: probed.bitRate } : {}),
          ...(t ? { rung: t.rung, encoder: videoEncoder, progress: true } : {}),
          ...(burnSubtitle !== undefined ? { burnSubtitle } : {}),
        });
        const start = (): ReturnType<typeof startFfmpeg> => startFfmpeg({ ffmpegPath, plan, graceMs: opts.graceMs ?? KILL_GRACE_MS, ...(t ? { onPid: t.attach, onProgress: t.progress } : {}) });
        await runFfmpeg(req, res, headers, { start, commandLine: toArgv(plan).join(' '), gone: gone.signal, what });
      }
    } finally {
      ticket?.release();
      release?.();
      await source.close();
    }
  };

  /**
   * With the video copied and a start between keyframes, the plan that makes the start exact
   * (exact-start.ts); undefined when a plain copy already is, or when no keyframe is in reach
   * (then the start stays at the keyframe before, as X-Transcode-Seek says).
   */
  const exactStart = async (url: string, decision: Decision, startSeconds: number, probed: ProbeResult | undefined, signal: AbortSignal, what: { infoHash: string; fileIndex: number }): Promise<{ plan?: SplicePlan; dataEndsAt?: number }> => {
    if (!probed?.video || !needsSplice(decision, probed.video.codec, startSeconds)) return {};
    try {
      const scan = await findNextKeyframe(ffprobePath, url, startSeconds, signal);
      if (scan.last !== undefined && scan.last < startSeconds - 1) return { dataEndsAt: scan.last };
      if (scan.next === undefined) return {};
      const plan = splicePlan({ input: url, decision, startSeconds, keyframeSeconds: scan.next, videoCodec: probed.video.codec, pixFmt: probed.video.pixFmt, audioCodec: probed.audio?.codec });
      return plan ? { plan } : {};
    } catch (err) {
      if (!signal.aborted) log({ level: 'warn', msg: 'no exact start', ...what, error: String(err) });
      return {};
    }
  };

  const runFfmpeg = async (
    _req: Request,
    res: Response,
    headers: Record<string, string>,
    o: { start: () => { output: Readable; exited: Promise<FfmpegExit>; stop(): void }; commandLine: string; gone: AbortSignal; what: { infoHash: string; fileIndex: number } },
  ): Promise<void> => {
    const started = Date.now();
    const run = o.start();
    log({ level: 'info', msg: 'ffmpeg start', ...o.what, args: o.commandLine });
    const output = run.output;
    const stopAll = (): void => {
      run.stop();
      output.destroy();
    };
    o.gone.addEventListener('abort', stopAll, { once: true });
    const drained = new Promise<void>((resolve) => {
      output.once('end', resolve);
      output.once('close', resolve);
    });
    // Headers wait for ffmpeg's first bytes, so a command that fails at once still gets a JSON error.
    output.once('data', (first: Buffer) => {
      output.pause();
      res.writeHead(200, headers);
      log({ level: 'info', msg: 'first bytes', ...o.what, ms: Date.now() - started });
      res.write(first);
      output.pipe(res, { end: false });
      output.resume();
    });
    const exit = await run.exited;
    // stdout has closed; what it wrote may still be flowing to the client. On failure there is
    // nothing worth delivering (and no stdout at all when the spawn failed).
    if (exit.code === 0 && !exit.stopped) await drained;
    else output.destroy();
    o.gone.removeEventListener('abort', stopAll);
    if (exit.stopped || o.gone.aborted) {
      log({ level: 'info', msg: 'ffmpeg stopped: client left', ...o.what, ms: Date.now() - started });
      res.destroy();
      return;
    }
    if (exit.code === 0 && res.headersSent) {
      log({ level: 'info', msg: 'ffmpeg done', ...o.what, ms: Date.now() - started });
      res.end();
      return;
    }
    if (exit.code === 0) {
      // Nothing at all: the input ended before anything could be written (a truncated file, or a
      // t past where its data really ends). An empty 200 would read as "nothing to see".
      log({ level: 'warn', msg: 'ffmpeg wrote nothing', ...o.what, ms: Date.now() - started });
      return sendJsonError(res, 'E_TRANSCODE', `ffmpeg produced nothing for torrent ${o.what.infoHash} file ${o.what.fileIndex}: the file may be truncated, or the start past the end of its data`, 'play the original stream, or start earlier');
    }
    log({ level: 'error', msg: 'ffmpeg failed', ...o.what, code: exit.code, signal: exit.signal, stderr: exit.stderr });
    // After the first bytes the status is sent: cut the body so the player sees an error, not an end.
    if (res.headersSent) res.destroy();
    else sendJsonError(res, 'E_TRANSCODE', `ffmpeg failed on torrent ${o.what.infoHash} file ${o.what.fileIndex}: ${headerSafe(exit.stderr || `exit ${exit.code ?? exit.signal}`)}`, 'play the original stream, or try the other format');
  };

  const status = async (): Promise<TranscoderStatus> => {
    const e = await encoder();
    return { encoder: e.choice.encoder, encoderReason: e.choice.reason, hardwareTests: e.probes, cores, budgetCores: load.budget, conversions: load.costs() };
  };
  const close = async (): Promise<void> => void (await detected?.catch(() => undefined));
  return Object.assign(handler, { status, capacityCheck, close });
}
