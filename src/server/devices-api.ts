/**
 * /api/devices and /api/cast: lists the TVs the casting library discovers and drives them, one
 * CastTarget kept per device. Device failures answer 502, device timeouts 504, unknown devices 404.
 */
import express, { type Response } from 'express';
import { connect as defaultConnect, isCastError, type CastTarget, type DeviceInfo, type Discovery, type MediaSpec } from '@torrent-live/casting';
import { sendJsonError, sendError } from './json-error.js';

export type CastMediaResolver = (infoHash: string, fileIndex: number, device: DeviceInfo, transcode?: 'mp4' | 'webm') => Promise<MediaSpec>;

export interface DevicesApiOptions {
  discovery: Discovery;
  connect?: (device: DeviceInfo, opts?: { timeoutMs?: number }) => Promise<CastTarget>;
  media: CastMediaResolver;
  onCast?: (device: DeviceInfo, state: string) => void;
  /** How long a device may take to answer one command (default 8 s). */
  deviceTimeoutMs?: number;
}

export interface DevicesApi {
  router: express.Router;
  /** Ends every cast session this API opened (the TVs keep playing what they have). */
  closeTargets(): Promise<void>;
}

const BODY_LIMIT = '16kb';
const ACTIONS = ['play', 'pause', 'stop', 'seek', 'volume'] as const;
type Action = (typeof ACTIONS)[number];
const STATE_AFTER: Record<Action, string | undefined> = { play: 'playing', pause: 'paused', stop: 'stopped', seek: undefined, volume: undefined };

function publicDevice(d: DeviceInfo): { id: string; name: string; kind: string; address: string } {
  return { id: d.id, name: d.name, kind: d.kind, address: d.address };
}

/** What a device is playing, so a seek in a conversion can restart it at the new time. */
interface Playing {
  media: MediaSpec;
  /** Where the current conversion starts (0 for originals, which the TV seeks itself). */
  offsetSeconds: number;
}

const isConversion = (url: string): boolean => /[?&]transcode=/.test(url);

/** The same URL with `t` set: the transcoder restarts ffmpeg there (input seeking). */
export function withStartTime(url: string, seconds: number): string {
  const u = new URL(url);
  u.searchParams.set('t', String(Math.round(seconds * 1000) / 1000));
  return u.toString();
}

/**
 * A TV playing a conversion that started at T may count from 0 (most DLNA renderers) or from T
 * (players that honour the stream's timestamps); either way report the position in the file.
 * A conversion's own length is not the file's, so the probed duration wins when known.
 */
export function positionInFile(reported: { positionSeconds: number; durationSeconds: number }, playing: Playing | undefined): { positionSeconds: number; durationSeconds: number } {
  if (!playing) return reported;
  const offset = playing.offsetSeconds;
  const positionSeconds = offset > 0 && reported.positionSeconds < offset - 1 ? reported.positionSeconds + offset : reported.positionSeconds;
  const known = playing.media.durationSeconds;
  const durationSeconds = known && (isConversion(playing.media.url) || !reported.durationSeconds) ? known : reported.durationSeconds;
  return { positionSeconds, durationSeconds };
}

function bodyOf(raw: unknown): Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

export function devicesApi(opts: DevicesApiOptions): DevicesApi {
  const router = express.Router();
  const connectTo = opts.connect ?? defaultConnect;
  const timeoutMs = opts.deviceTimeoutMs ?? 8000;
  const targets = new Map<string, Promise<CastTarget>>();
  const playing = new Map<string, Playing>();

  const targetFor = (device: DeviceInfo): Promise<CastTarget> => {
    let target = targets.get(device.id);
    if (!target) {
      target = connectTo(device, { timeoutMs });
      targets.set(device.id, target);
      target.catch(() => targets.delete(device.id));
    }
    return target;
  };

  /** Runs `work` on the device's target; a device-level failure drops the target so the next call reconnects. */
  const withTarget = async <T>(device: DeviceInfo, work: (t: CastTarget) => Promise<T>): Promise<T> => {
    const target = await targetFor(device);
    try {
      return await work(target);
    } catch (err) {
      if (isCastError(err) && err.code !== 'E_BAD_DESCRIPTION') {
        targets.delete(device.id);
        await target.close().catch(() => undefined);
      }
      throw err;
    }
  };

  const fail = (res: Response, err: unknown): void => {
    if (err instanceof RangeError) sendJsonError(res, 'E_BAD_ARGUMENT', err.message);
    else sendError(res, err);
  };

  const findDevice = (res: Response, id: string): DeviceInfo | undefined => {
    const device = opts.discovery.find(id);
    if (!device) sendJsonError(res, 'E_DEVICE_NOT_FOUND', `no device "${id}" is known; list them with GET /api/devices`);
    return device;
  };

  router.get('/api/devices', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(opts.discovery.devices().map(publicDevice));
  });

  router.get('/api/devices/:id/status', async (req, res) => {
    const device = findDevice(res, req.params.id);
    if (!device) return;
    try {
      const s = await withTarget(device, (t) => t.status());
      const where = positionInFile(s, playing.get(device.id));
      res.set('Cache-Control', 'no-store').json({ state: s.state, positionSeconds: where.positionSeconds, durationSeconds: where.durationSeconds, volume: s.volume, ...(s.error ? { error: s.error } : {}) });
    } catch (err) {
      fail(res, err);
    }
  });

  router.post('/api/cast', express.json({ limit: BODY_LIMIT }), async (req, res) => {
    const body = bodyOf(req.body);
    const { deviceId, infoHash, fileIndex, transcode } = body;
    if (typeof deviceId !== 'string' || typeof infoHash !== 'string' || !/^[0-9a-fA-F]{40}$/.test(infoHash) || typeof fileIndex !== 'number' || !Number.isInteger(fileIndex) || fileIndex < 0 || (transcode !== undefined && transcode !== 'mp4' && transcode !== 'webm')) {
      return sendJsonError(res, 'E_BAD_ARGUMENT', 'send {"deviceId": "<id>", "infoHash": "<40 hex>", "fileIndex": <n>, "transcode"?: "mp4"|"webm"}');
    }
    const device = findDevice(res, deviceId);
    if (!device) return;
    try {
      const media = await opts.media(infoHash.toLowerCase(), fileIndex, device, transcode as 'mp4' | 'webm' | undefined);
      opts.onCast?.(device, 'loading');
      await withTarget(device, (t) => t.load(media));
      playing.set(device.id, { media, offsetSeconds: 0 });
      opts.onCast?.(device, 'playing');
      res.json({ ok: true, device: publicDevice(device), media: { url: media.url, contentType: media.contentType } });
    } catch (err) {
      opts.onCast?.(device, 'error');
      fail(res, err);
    }
  });

  router.post('/api/devices/:id/:action', express.json({ limit: BODY_LIMIT }), async (req, res) => {
    const action = req.params.action as Action;
    if (!ACTIONS.includes(action)) return sendJsonError(res, 'E_NOT_FOUND', `unknown device action "${req.params.action}"; use one of ${ACTIONS.join(', ')}`);
    const body = bodyOf(req.body);
    if (action === 'seek' && (typeof body.seconds !== 'number' || !Number.isFinite(body.seconds) || body.seconds < 0)) {
      return sendJsonError(res, 'E_BAD_ARGUMENT', 'send {"seconds": <number >= 0>}');
    }
    if (action === 'volume' && (typeof body.level !== 'number' || !(body.level >= 0 && body.level <= 1))) {
      return sendJsonError(res, 'E_BAD_ARGUMENT', 'send {"level": <number 0..1>}');
    }
    const device = findDevice(res, req.params.id);
    if (!device) return;
    try {
      await withTarget(device, (t) => {
        switch (action) {
          case 'play': return t.play();
          case 'pause': return t.pause();
          case 'stop': return t.stop().then(() => void playing.delete(device.id));
          case 'seek': {
            const now = playing.get(device.id);
            if (!now || !isConversion(now.media.url)) return t.seek(body.seconds as number);
            // A conversion has no byte ranges to seek in: restart it at the new time.
            const seconds = body.seconds as number;
            const media = { ...now.media, url: withStartTime(now.media.url, seconds) };
            return t.load(media).then(() => void playing.set(device.id, { media, offsetSeconds: seconds }));
          }
          case 'volume': return t.setVolume(body.level as number);
        }
      });
      const state = STATE_AFTER[action];
      if (state) opts.onCast?.(device, state);
      res.json({ ok: true });
    } catch (err) {
      fail(res, err);
    }
  });

  const closeTargets = async (): Promise<void> => {
    const all = [...targets.values()];
    targets.clear();
    await Promise.all(all.map((p) => p.then((t) => t.close()).catch(() => undefined)));
  };
  return { router, closeTargets };
}
