/**
 * `/stream/:infoHash/:fileIndex?format=vtt&track=N[&t=S]`: one of a video's own text subtitle
 * tracks (SRT, ASS/SSA, mov_text, WebVTT) as WebVTT, extracted by ffmpeg while the torrent
 * downloads.
 *
 * Cues are interleaved through the whole file, so the extraction follows the read head: ffmpeg
 * demuxes only that track, reading the file in order from S (the video's other streams are read
 * but never decoded; the cues pass through SubRip, see subtitleArgs) through the private loopback source, whose reads are ordinary torrent reads:
 * the pieces it waits for are fetched first. Each cue is written as soon as the bytes holding it
 * have arrived (the VttNormalizer passes cues on one by one), so a <track> that parses as it
 * loads shows the cues up to where the download is; a TV that reads a track whole shows them when
 * the extraction reaches the end. `t` starts at S with timestamps kept in file time (-copyts), for
 * a player that seeks far ahead. See docs/ARCHITECTURE.md, "Subtitles while downloading".
 */
import type { Request, Response } from 'express';
import type { TorrentManager } from '../core/torrent-manager.js';
import { sendJsonError } from '../server/json-error.js';
import { formatSeconds, type FfmpegPlan } from './ffmpeg-args.js';
import { KILL_GRACE_MS, Slots, startFfmpeg } from './ffmpeg-stream.js';
import type { ProbeCache } from './probe-cache.js';
import { MAX_TRACKS, type ProbeResult } from './probe.js';
import { MAX_START_SECONDS } from './query.js';
import { startSessionFileSource } from './source-server.js';
import { VttNormalizer } from './webvtt.js';

/** A film's subtitles are a few hundred kB; anything past this is not worth sending to a TV. */
export const MAX_VTT_BYTES = 16 * 1024 * 1024;
/** Extractions at once: each only demuxes (little CPU), but each holds a torrent read open. */
export const MAX_SUBTITLE_EXTRACTIONS = 4;

export interface SubtitleQuery {
  track: number;
  startSeconds: number;
}

/** `track` and `t` checked as plain data. */
export function parseSubtitleQuery(query: Record<string, unknown>): { ok: true; value: SubtitleQuery } | { ok: false; message: string } {
  const track = query['track'];
  if (typeof track !== 'string' || !/^\d{1,3}$/.test(track) || Number(track) >= MAX_TRACKS) {
    return { ok: false, message: `track=${String(track).slice(0, 40)} is not a subtitle track number; give track=0 for the first (0 to ${MAX_TRACKS - 1})` };
  }
  let startSeconds = 0;
  if (query['t'] !== undefined) {
    const t = query['t'];
    if (typeof t !== 'string' || !/^\d{1,7}(\.\d{1,6})?$/.test(t) || Number(t) > MAX_START_SECONDS) {
      return { ok: false, message: `t=${String(t).slice(0, 40)} is not a time; give seconds from the start, e.g. t=90` };
    }
    startSeconds = Number(t);
  }
  return { ok: true, value: { track: Number(track), startSeconds } };
}

/**
 * The ffmpeg command: that one track, in file time, each cue flushed as it is written. ffmpeg
 * writes SubRip and the normaliser makes the WebVTT: the SRT muxer ends every cue with a blank
 * line, so a cue is known complete the moment it is written, where ffmpeg's WebVTT muxer puts the
 * blank line before the next cue (a cue would wait for the next one, minutes later in a film).
 */
export function subtitleArgs(input: string, q: SubtitleQuery): FfmpegPlan {
  return {
    inputOptions: ['-hide_banner', '-nostdin', '-loglevel', 'error', '-analyzeduration', '3000000', '-probesize', '5000000', '-copyts', ...(q.startSeconds > 0 ? ['-ss', formatSeconds(q.startSeconds)] : [])],
    input,
    outputOptions: ['-map', `0:s:${q.track}`, '-c:s', 'srt', '-flush_packets', '1', '-f', 'srt'],
  };
}

export interface SubtitleHandlerOptions {
  manager: TorrentManager;
  probes: ProbeCache;
  ffmpegPath: string;
  /** Resolves whether ffmpeg runs, with the user's message when it does not. */
  ffmpegAvailable: () => Promise<{ ok: boolean; message: string }>;
  graceMs?: number;
  maxConcurrent?: number;
  log?: (entry: { level: 'info' | 'warn' | 'error'; msg: string; [field: string]: unknown }) => void;
}

export function createSubtitleHandler(opts: SubtitleHandlerOptions) {
  const slots = new Slots(opts.maxConcurrent ?? MAX_SUBTITLE_EXTRACTIONS);
  const log = opts.log ?? (() => {});

  return async (req: Request, res: Response, target: { infoHash: string; fileIndex: number }): Promise<void> => {
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const parsed = parseSubtitleQuery(req.query as Record<string, unknown>);
    if (!parsed.ok) return sendJsonError(res, 'E_BAD_ARGUMENT', parsed.message);
    const session = opts.manager.session(target.infoHash);
    if (!session?.files[target.fileIndex]) return sendJsonError(res, 'E_NOT_FOUND', `torrent ${target.infoHash} has no file ${target.fileIndex}`);
    const bin = await opts.ffmpegAvailable();
    if (!bin.ok) return sendJsonError(res, 'E_NO_FFMPEG', `cannot extract subtitles: ${bin.message}. Install ffmpeg or pass its path with --ffmpeg PATH`);
    if (gone.signal.aborted) return;
    const source = await startSessionFileSource(session, target.fileIndex);
    let release: (() => void) | undefined;
    try {
      let probe: ProbeResult;
      try {
        probe = await opts.probes.probeUrl(target.infoHash, target.fileIndex, source.url, gone.signal);
      } catch (err) {
        if (gone.signal.aborted) return;
        return sendJsonError(res, 'E_TRANSCODE', `cannot read the tracks of torrent ${target.infoHash} file ${target.fileIndex}: ${(err as Error).message.slice(0, 200)}`, 'the file may not be a video ffmpeg reads; its subtitles cannot be extracted');
      }
      const { track } = parsed.value;
      const found = probe.subtitleTracks[track];
      if (!found) return sendJsonError(res, 'E_NOT_FOUND', `file ${target.fileIndex} has ${probe.subtitleTracks.length} subtitle track(s); track=${track} is not one of them`);
      if (!found.text) {
        return sendJsonError(res, 'E_BAD_ARGUMENT', `subtitle track ${track} is ${found.codec}, a picture format: it cannot become WebVTT text`, 'choose a text track (SRT, ASS/SSA, mov_text, WebVTT)');
      }
      release = await slots.acquire(2_000, gone.signal);
      if (gone.signal.aborted) return;
      if (!release) {
        res.set('Retry-After', '2');
        return sendJsonError(res, 'E_BUSY', `all ${slots.max} subtitle extractions are in use; try again shortly`);
      }
      await extract(res, subtitleArgs(source.url, parsed.value), gone.signal, { ...target, track });
    } finally {
      release?.();
      await source.close();
    }
  };

  async function extract(res: Response, plan: FfmpegPlan, gone: AbortSignal, what: { infoHash: string; fileIndex: number; track: number }): Promise<void> {
    const run = startFfmpeg({ ffmpegPath: opts.ffmpegPath, plan, graceMs: opts.graceMs ?? KILL_GRACE_MS });
    const vtt = new VttNormalizer();
    let sent = 0;
    const stop = (): void => {
      run.stop();
      run.output.destroy();
    };
    gone.addEventListener('abort', stop, { once: true });
    const send = (text: string): void => {
      if (!text || res.destroyed) return;
      if (!res.headersSent) {
        // CORS open: Chromecast receivers fetch tracks from their own origin; the stream token
        // in the URL still guards the bytes.
        res.writeHead(200, { 'Content-Type': 'text/vtt; charset=utf-8', 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
      }
      sent += Buffer.byteLength(text);
      res.write(text);
      if (sent > MAX_VTT_BYTES) {
        log({ level: 'warn', msg: 'subtitle track cut', ...what, bytes: sent });
        stop();
      }
    };
    run.output.setEncoding('utf8');
    run.output.on('data', (chunk: string) => send(vtt.push(chunk)));
    const ended = new Promise<void>((resolve) => {
      run.output.once('end', resolve);
      run.output.once('close', resolve);
    });
    const exit = await run.exited;
    if (exit.code === 0 && !exit.stopped) await ended;
    gone.removeEventListener('abort', stop);
    if (gone.aborted) {
      res.destroy();
      return;
    }
    if (exit.code !== 0 && !exit.stopped && !res.headersSent) {
      log({ level: 'error', msg: 'subtitle extraction failed', ...what, code: exit.code, stderr: exit.stderr });
      return sendJsonError(res, 'E_TRANSCODE', `ffmpeg could not extract subtitle track ${what.track} of torrent ${what.infoHash} file ${what.fileIndex}: ${exit.stderr.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)}`);
    }
    // A failure half-way (a damaged file) still leaves valid cues: they are sent, and the file ends.
    if (exit.code !== 0 && !exit.stopped) log({ level: 'warn', msg: 'subtitle extraction ended early', ...what, cues: vtt.cues, stderr: exit.stderr });
    send(vtt.end());
    if (!res.headersSent) send('WEBVTT\n\n');
    res.end();
    log({ level: 'info', msg: 'subtitles extracted', ...what, cues: vtt.cues, dropped: vtt.dropped });
  }
}
