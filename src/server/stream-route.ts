/**
 * GET/HEAD /stream/:infoHash/:fileIndex — a torrent file's bytes while it downloads. The plan
 * (status, headers, range) is pure data from range.ts; this module only writes it, and tears the
 * torrent read down with the response so a closed player releases its pieces.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response } from 'express';
import type { TorrentManager } from '../core/torrent-manager.js';
import { mimeFor } from '../core/torrent-manager.js';
import { planByteServe } from './range.js';
import { sendError, sendJsonError } from './json-error.js';
import type { TorrentSession } from '../core/engine.js';
import { srtToVtt } from '@torrent-live/casting';
import { refusalText, type StreamSlots } from './stream-slots.js';

export const METADATA_WAIT_MS = 60_000;
const INFOHASH = /^[0-9a-fA-F]{40}$/;

export interface StreamRouteOptions {
  manager: TorrentManager;
  /** Extra headers per file (DLNA renderers need transferMode/contentFeatures). */
  extraHeaders?: (contentType: string, req: Request) => Record<string, string>;
  /** Serves `?transcode=` and `?format=vtt&track=N` (ffmpeg's jobs); absent when ffmpeg is not wired. */
  transcode?: (req: Request, res: Response, target: { infoHash: string; fileIndex: number; contentType: string }) => Promise<void>;
  /** Caps open GET responses per client address and in all (503 E_BUSY past them). */
  slots?: StreamSlots;
}

/** Subtitles bigger than this are not subtitles. */
export const SUBTITLE_MAX_BYTES = 4 * 1024 * 1024;

/**
 * `?format=vtt` on a .srt/.vtt file: WebVTT for Chromecast and <track>, with CORS open because the
 * receiver page fetches tracks cross-origin (the per-file stream token still guards the bytes).
 */
async function serveVtt(res: Response, session: TorrentSession, index: number, file: { name: string; length: number }): Promise<void> {
  const ext = file.name.slice(file.name.lastIndexOf('.')).toLowerCase();
  if (ext !== '.srt' && ext !== '.vtt') return sendJsonError(res, 'E_BAD_ARGUMENT', `format=vtt needs a .srt or .vtt file; ${file.name} is neither (a video's own subtitles: add &track=N, 0 for the first)`);
  if (file.length > SUBTITLE_MAX_BYTES) return sendJsonError(res, 'E_TOO_LARGE', `${file.name} is ${file.length} bytes; subtitles over ${SUBTITLE_MAX_BYTES} are refused`);
  const chunks: Buffer[] = [];
  for await (const chunk of session.createReadStream(index)) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  res.status(200).set({ 'Content-Type': 'text/vtt; charset=utf-8', 'Access-Control-Allow-Origin': '*' });
  res.end(ext === '.srt' ? srtToVtt(text) : text);
}

/** One client per address: `::ffff:1.2.3.4` and `1.2.3.4` are the same machine. */
function clientKey(address: string | undefined): string {
  return (address ?? '').replace(/^::ffff:/, '');
}

/** Resolves once the read has bytes (or the player left); rejects if it fails first. */
function firstBytes(body: Readable, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      body.off('readable', ready);
      body.off('error', done);
      res.off('close', ready);
      if (err) reject(err);
      else resolve();
    };
    const ready = (): void => done();
    body.once('readable', ready);
    body.once('error', done);
    res.once('close', ready);
  });
}

export function streamRouter(opts: StreamRouteOptions): express.Router {
  const router = express.Router();
  const handler = async (req: Request, res: Response): Promise<void> => {
    const { infoHash = '', fileIndex: indexText = '' } = req.params as Record<string, string>;
    const session = INFOHASH.test(infoHash) ? opts.manager.session(infoHash) : undefined;
    if (!session) return sendJsonError(res, 'E_NOT_FOUND', `no torrent ${infoHash} is loaded`);
    if (!session.isReady()) {
      // A player that opens the URL before the metadata arrived waits, rather than failing.
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), METADATA_WAIT_MS).unref());
      if ((await Promise.race([session.ready.then(() => 'ready' as const), timer])) === 'timeout') {
        return sendJsonError(res, 'E_NO_PEERS', `torrent ${infoHash}: no metadata yet; no peer has answered`);
      }
    }
    const index = /^\d+$/.test(indexText) ? Number(indexText) : -1;
    const file = session.files[index];
    if (!file) return sendJsonError(res, 'E_NOT_FOUND', `torrent ${infoHash} has no file ${indexText} (it has ${session.files.length})`);
    const contentType = mimeFor(file.name);
    if (req.query['format'] === 'vtt') {
      // `track`: one of the file's own subtitle tracks, which takes ffmpeg; without it, a .srt/.vtt file.
      if (req.query['track'] !== undefined) {
        if (!opts.transcode) return sendJsonError(res, 'E_NO_FFMPEG', 'subtitle tracks inside a video need ffmpeg, which is not wired in this server');
        return opts.transcode(req, res, { infoHash: session.infoHash, fileIndex: index, contentType });
      }
      return serveVtt(res, session, index, file);
    }
    if (opts.transcode && typeof req.query['transcode'] === 'string') {
      return opts.transcode(req, res, { infoHash: session.infoHash, fileIndex: index, contentType });
    }
    const plan = planByteServe({
      method: req.method,
      rangeHeader: req.get('range'),
      length: file.length,
      contentType,
      extraHeaders: opts.extraHeaders?.(contentType, req),
    });
    res.status(plan.status).set(plan.headers);
    if (plan.bodless || !plan.range) {
      res.end();
      return;
    }
    const body = session.createReadStream(index, plan.range);
    try {
      await firstBytes(body, res);
    } catch (err) {
      // The first bytes cannot come (a full disk: 507 E_DISK_FULL): the player gets the reason as
      // JSON, not a hang and not a 206 cut short.
      body.destroy();
      if (res.headersSent || res.destroyed) return void res.destroy();
      for (const name of Object.keys(plan.headers)) res.removeHeader(name);
      sendError(res, err);
      return;
    }
    try {
      await pipeline(body, res);
    } catch {
      // The player went away (seek, close), or a later piece cannot come: pipeline destroyed both.
      body.destroy();
    }
  };
  // A GET holds a slot until its connection's response ends; HEAD sends no body and costs nothing.
  const slot: express.RequestHandler = (req, res, next) => {
    if (!opts.slots) return next();
    const grant = opts.slots.take(clientKey(req.socket.remoteAddress));
    if (!grant.ok) {
      const { message, hint } = refusalText(grant);
      res.set('Retry-After', '5');
      return sendJsonError(res, 'E_BUSY', message, hint);
    }
    res.once('close', grant.release);
    next();
  };
  router.get('/stream/:infoHash/:fileIndex', slot, handler);
  router.head('/stream/:infoHash/:fileIndex', handler);
  // A trailing file name lets players guess the type from the URL (some DLNA renderers do).
  router.get('/stream/:infoHash/:fileIndex/:name', slot, handler);
  router.head('/stream/:infoHash/:fileIndex/:name', handler);
  return router;
}
