/**
 * An in-memory implementation of the HTTP contract the web remote uses (docs/ARCHITECTURE.md: /api/torrents,
 * /api/devices, /api/cast, /api/devices/:id/*, /api/spies, /api/events, /stream), assembled with
 * the real auth layer, the real SSE router and the real web remote router in the same order as
 * src/server/app.ts. Tests drive its event bus and read the requests it received.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import { EventBus } from '../../src/events.js';
import { createAuth, type Auth } from '../../src/server/auth.js';
import { eventsRouter } from '../../src/server/events-sse.js';
import { sendJsonError, sendError } from '../../src/server/json-error.js';
import { normaliseInfoHash, parseMagnet } from '../../src/core/sources.js';
import { decodeTorrent } from '../../src/core/torrent-file.js';
import { webRemoteRouter } from '../../src/web/router.js';

/** Small on purpose, so a test can provoke 413 with a modest upload. */
export const FAKE_BODY_LIMIT_BYTES = 64 * 1024;

export interface FakeTorrent {
  infoHash: string;
  name: string;
  length: number;
  downloaded: number;
  ready: boolean;
  files: Array<{ index: number; name: string; length: number; mime: string; url: string }>;
}

export interface FakeDevice {
  id: string;
  name: string;
  kind: 'chromecast' | 'dlna';
  address: string;
  status: { state: string; positionSeconds: number; durationSeconds: number; volume: number };
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  remoteAddress: string | undefined;
}

export interface FakeRemoteServer {
  baseUrl: string;
  host: string;
  port: number;
  token: string;
  auth: Auth;
  bus: EventBus;
  torrents: Map<string, FakeTorrent>;
  devices: Map<string, FakeDevice>;
  requests: RecordedRequest[];
  /** URLs of /stream requests that were answered with the media file. */
  streamRequests: string[];
  /** Every route of the contract with a sample path, for "each route needs the token" checks. */
  routes: Array<{ method: 'GET' | 'POST' | 'DELETE'; path: string; body?: unknown }>;
  close(): Promise<void>;
}

export interface FakeRemoteOptions {
  host: string;
  token: string;
  isTrusted: (remoteAddress: string) => boolean;
  /** A real media file served for every /stream URL (Range works through sendFile). */
  mediaFile?: string;
}

export async function startFakeRemoteServer(options: FakeRemoteOptions): Promise<FakeRemoteServer> {
  const bus = new EventBus();
  const torrents = new Map<string, FakeTorrent>();
  const devices = new Map<string, FakeDevice>([
    ['cc-living', { id: 'cc-living', name: 'Living room TV', kind: 'chromecast', address: '127.30.0.1', status: { state: 'idle', positionSeconds: 0, durationSeconds: 0, volume: 0.5 } }],
    ['dlna-bed', { id: 'dlna-bed', name: 'Bedroom renderer', kind: 'dlna', address: '127.30.0.2', status: { state: 'idle', positionSeconds: 0, durationSeconds: 0, volume: 0.8 } }],
  ]);
  const requests: RecordedRequest[] = [];
  const streamRequests: string[] = [];
  let port = 0;
  const auth = createAuth({ token: options.token, isTrusted: options.isTrusted, allowedHosts: () => [`${options.host}:${port}`] });

  const api = express.Router();
  api.use(express.json({ limit: FAKE_BODY_LIMIT_BYTES }));
  api.use((req, _res, next) => {
    if (req.method !== 'GET') requests.push({ method: req.method, path: req.path, body: req.body, remoteAddress: req.socket.remoteAddress });
    next();
  });
  api.get('/api/torrents', (_req, res) => void res.json([...torrents.values()]));
  api.post('/api/torrents', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      let infoHash: string;
      let name: string | undefined;
      if (typeof body['torrent'] === 'string') {
        const decoded = await decodeTorrent(Buffer.from(body['torrent'], 'base64')).catch(() => {
          throw Object.assign(new Error('the uploaded file is not a .torrent'), { status: 400 });
        });
        ({ infoHash, name } = decoded);
      } else if (typeof body['source'] === 'string') {
        const text = body['source'].trim();
        const source = text.startsWith('magnet:') ? parseMagnet(text) : { infoHash: normaliseInfoHash(text), name: undefined };
        infoHash = source.infoHash;
        name = source.name;
      } else {
        return sendJsonError(res, 'E_BAD_SOURCE', 'send {"source": "<infohash|magnet>"} or {"torrent": "<base64 .torrent>"}');
      }
      const torrent: FakeTorrent = { infoHash, name: name ?? infoHash, length: 0, downloaded: 0, ready: false, files: [] };
      torrents.set(infoHash, torrent);
      res.status(201).json(torrent);
    } catch (err) {
      if ((err as { status?: number }).status === 400) return sendJsonError(res, 'E_BAD_TORRENT', (err as Error).message);
      sendError(res, err);
    }
  });
  api.delete('/api/torrents/:infoHash', (req, res) => {
    if (!torrents.delete(req.params.infoHash)) return sendJsonError(res, 'E_NOT_FOUND', `no torrent ${req.params.infoHash}`);
    res.status(204).end();
  });
  api.get('/api/devices', (_req, res) => void res.json([...devices.values()].map(({ id, name, kind, address }) => ({ id, name, kind, address }))));
  api.post('/api/cast', (req, res) => {
    const { deviceId, infoHash, fileIndex } = (req.body ?? {}) as Record<string, unknown>;
    const device = devices.get(String(deviceId));
    const torrent = torrents.get(String(infoHash));
    if (!device || !torrent || typeof fileIndex !== 'number') return sendJsonError(res, 'E_NOT_FOUND', 'no such device, torrent or file');
    device.status = { ...device.status, state: 'playing', positionSeconds: 0, durationSeconds: 120 };
    bus.emit('cast', { device: device.name, state: 'playing' });
    res.json({ ok: true, url: auth.streamUrl(`http://${options.host}:${port}`, torrent.infoHash, fileIndex) });
  });
  // Like a server without ffprobe: every file is "the original, not probed", so the page's own
  // retry through ?transcode=mp4 is what a file it cannot decode exercises here.
  api.post('/api/playback', (req, res) => {
    const { infoHash, fileIndex } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof infoHash !== 'string' || !torrents.has(infoHash) || typeof fileIndex !== 'number') return sendJsonError(res, 'E_NOT_FOUND', 'no such torrent or file');
    res.json({ infoHash, fileIndex, mode: 'original', reason: 'the file could not be probed (no ffprobe here)', url: `/stream/${infoHash}/${fileIndex}`, contentType: 'video/mp4', seek: 'native', audioTracks: [], subtitles: [] });
  });
  api.get('/api/devices/:id/status', (req, res) => {
    const device = devices.get(req.params.id);
    if (!device) return sendJsonError(res, 'E_NOT_FOUND', `no device ${req.params.id}`);
    res.json(device.status);
  });
  api.post('/api/devices/:id/:action', (req, res) => {
    const device = devices.get(req.params.id);
    if (!device) return sendJsonError(res, 'E_NOT_FOUND', `no device ${req.params.id}`);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const s = device.status;
    switch (req.params.action) {
      case 'play': s.state = 'playing'; break;
      case 'pause': s.state = 'paused'; break;
      case 'stop': Object.assign(s, { state: 'stopped', positionSeconds: 0 }); break;
      case 'seek':
        if (typeof body['seconds'] !== 'number') return sendJsonError(res, 'E_BAD_ARGUMENT', 'seek needs {seconds}');
        s.positionSeconds = body['seconds'];
        break;
      case 'volume':
        if (typeof body['level'] !== 'number' || body['level'] < 0 || body['level'] > 1) return sendJsonError(res, 'E_BAD_ARGUMENT', 'volume needs {level} in 0..1');
        s.volume = body['level'];
        break;
      default:
        return sendJsonError(res, 'E_NOT_FOUND', `no action ${req.params.action}`);
    }
    res.json(s);
  });
  const started = Date.now();
  // The real route, as a direct one: the page's route line reads it at load.
  api.get('/api/route', (_req, res) => void res.json({ route: 'direct', label: 'direct', blocked: false }));
  api.get('/api/spies', (_req, res) =>
    void res.json({
      discovered: 5,
      active: 2,
      blocked: 5,
      history: [
        { time: started - 60_000, discovered: 0, active: 0 },
        { time: started - 30_000, discovered: 3, active: 2 },
        { time: started, discovered: 5, active: 2 },
      ],
      spies: [
        { ip: '127.40.0.1', port: 6881, reason: 'answered a decoy' },
        { ip: '127.40.0.2', reason: 'several ports' },
      ],
    }),
  );
  api.get('/api/spies.p2p', (_req, res) => void res.type('text/plain').send('spy:127.40.0.1-127.40.0.1\nspy:127.40.0.2-127.40.0.2\n'));

  const streams = express.Router();
  streams.get('/stream/:infoHash/:fileIndex', (req, res) => {
    if (!options.mediaFile || !torrents.has(req.params.infoHash)) return sendJsonError(res, 'E_NOT_FOUND', 'no such file');
    // File 1 plays the part of a format browsers cannot decode: undecodable bytes as they are,
    // the real video once "converted" (?transcode=mp4).
    if (req.params.fileIndex === '1' && req.query['transcode'] !== 'mp4') {
      return void res.type('video/x-matroska').send(Buffer.alloc(4096, 0x5a));
    }
    streamRequests.push(req.originalUrl);
    res.sendFile(options.mediaFile);
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(auth.hostCheck);
  app.use(auth.originCheck);
  app.use('/stream', auth.requireStreamAccess);
  app.use(streams);
  app.use('/api', auth.requirePairing);
  app.use(eventsRouter(bus));
  app.use(api);
  app.use('/api', (req, res) => sendJsonError(res, 'E_NOT_FOUND', `no API route ${req.method} ${req.originalUrl}`));
  app.use(auth.requirePairing);
  app.use(webRemoteRouter());
  const onError: ErrorRequestHandler = (err: { type?: string; status?: number; message?: string }, _req, res, _next) => {
    if (err.type === 'entity.too.large') return sendJsonError(res, 'E_TOO_LARGE', 'the request body is larger than the server accepts');
    if (err.type === 'entity.parse.failed') return sendJsonError(res, 'E_BAD_ARGUMENT', 'the request body is not valid JSON');
    sendError(res, err);
  };
  app.use(onError);

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const sampleHash = '0123456789abcdef0123456789abcdef01234567';
  return {
    baseUrl: `http://${options.host}:${port}`,
    host: options.host,
    port,
    token: options.token,
    auth,
    bus,
    torrents,
    devices,
    requests,
    streamRequests,
    routes: [
      { method: 'GET', path: '/api/torrents' },
      { method: 'POST', path: '/api/torrents', body: { source: sampleHash } },
      { method: 'DELETE', path: `/api/torrents/${sampleHash}` },
      { method: 'GET', path: '/api/events' },
      { method: 'GET', path: '/api/devices' },
      { method: 'POST', path: '/api/playback', body: { infoHash: sampleHash, fileIndex: 0, abilities: { formats: [] } } },
      { method: 'POST', path: '/api/cast', body: { deviceId: 'cc-living', infoHash: sampleHash, fileIndex: 0 } },
      { method: 'GET', path: '/api/devices/cc-living/status' },
      ...(['play', 'pause', 'stop'] as const).map((a) => ({ method: 'POST' as const, path: `/api/devices/cc-living/${a}`, body: {} })),
      { method: 'POST', path: '/api/devices/cc-living/seek', body: { seconds: 5 } },
      { method: 'POST', path: '/api/devices/cc-living/volume', body: { level: 0.5 } },
      { method: 'GET', path: '/api/spies' },
      { method: 'GET', path: '/api/spies.p2p' },
      { method: 'GET', path: '/api/no-such-route' },
    ],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
