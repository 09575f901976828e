/**
 * The one express app: auth first (Host, Origin, pairing), then the byte route, the API, SSE,
 * the web remote and whatever adapters the caller mounts. Everything is passed in, so tests build
 * the same app on port 0 around a loopback world.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Router } from 'express';
import type { EventBus } from '../events.js';
import type { TorrentManager } from '../core/torrent-manager.js';
import { echoInput, TorrentLiveError } from '../errors.js';
import type { Auth } from './auth.js';
import { streamRouter, type StreamRouteOptions } from './stream-route.js';
import { torrentsRouter } from './api.js';
import { eventsRouter } from './events-sse.js';
import { sendError, sendJsonError } from './json-error.js';

export interface AppOptions {
  manager: TorrentManager;
  bus: EventBus;
  auth: Auth;
  /** Routers mounted behind pairing (API extensions: devices, cast, spies, adapters). */
  apiRouters?: Router[];
  /** Routers for the web remote page and its assets (behind pairing). */
  pageRouters?: Router[];
  /** Routers reachable without pairing but behind the Host check (e.g. DLNA descriptions). */
  publicRouters?: Router[];
  streamHeaders?: StreamRouteOptions['extraHeaders'];
  transcode?: StreamRouteOptions['transcode'];
  /** Probed lengths for /api/torrents' `durationSeconds`. */
  durationOf?: (infoHash: string, fileIndex: number) => number | undefined;
  streamSlots?: StreamRouteOptions['slots'];
}

export function createApp(opts: AppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(opts.auth.hostCheck);
  app.use(opts.auth.originCheck);
  for (const r of opts.publicRouters ?? []) app.use(r);
  app.use('/stream', opts.auth.requireStreamAccess);
  app.use(
    streamRouter({
      manager: opts.manager,
      ...(opts.streamHeaders ? { extraHeaders: opts.streamHeaders } : {}),
      ...(opts.transcode ? { transcode: opts.transcode } : {}),
      ...(opts.streamSlots ? { slots: opts.streamSlots } : {}),
    }),
  );
  app.use('/api', opts.auth.requirePairing);
  app.use(torrentsRouter(opts.manager, { streamUrl: (base, h, i) => opts.auth.streamUrl(base, h, i), ...(opts.durationOf ? { durationOf: opts.durationOf } : {}) }));
  app.use(eventsRouter(opts.bus));
  for (const r of opts.apiRouters ?? []) app.use(r);
  app.use('/api', (req, res) => sendJsonError(res, 'E_NOT_FOUND', `no API route ${req.method} ${req.originalUrl}`));
  app.use(opts.auth.requirePairing);
  for (const r of opts.pageRouters ?? []) app.use(r);
  // Every other path: a JSON error like the rest, not Express's HTML page.
  app.use((req, res) => sendJsonError(res, 'E_NOT_FOUND', `no route ${req.method} ${echoInput(req.path)}`));
  const onError: ErrorRequestHandler = (err: { type?: string; status?: number; message?: string }, _req, res, _next) => {
    if (res.headersSent) return res.end();
    if (err.type === 'entity.too.large') return sendJsonError(res, 'E_TOO_LARGE', 'the request body is larger than the server accepts');
    if (err.type === 'entity.parse.failed') return sendJsonError(res, 'E_BAD_ARGUMENT', 'the request body is not valid JSON');
    // A client's mistake the body parser or router noticed (bad encoding, aborted upload).
    if (err.status !== undefined && err.status >= 400 && err.status < 500) return sendJsonError(res, 'E_BAD_ARGUMENT', `the request could not be read: ${err.message ?? 'bad request'}`);
    sendError(res, err);
  };
  app.use(onError);
  return app;
}

export interface RunningServer {
  server: http.Server;
  host: string;
  port: number;
  close(): Promise<void>;
}

/** From the config (httpHeadersTimeoutMs, httpRequestTimeoutMs). */
export interface ListenOptions {
  /** The whole header block must arrive within this (a client trickling header lines is cut). */
  headersTimeoutMs: number;
  /** The whole request (headers and body, not the response) must arrive within this. */
  requestTimeoutMs: number;
}

export async function listen(app: express.Express, port: number, host: string, opts: ListenOptions): Promise<RunningServer> {
  const headersTimeout = opts.headersTimeoutMs;
  const server = http.createServer(
    {
      headersTimeout,
      requestTimeout: opts.requestTimeoutMs,
      // Node checks those timeouts only every connectionsCheckingInterval (30 s by default): a
      // client sending one header line a second outlived a 20 s headersTimeout. Check often.
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
    app,
  );
  // Bounded headers: a LAN client must not make the server buffer megabytes of header.
  server.maxHeadersCount = 100;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new TorrentLiveError('E_PORT_IN_USE', `port ${port} on ${host} is already in use`, { cause: err }) : err),
    );
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    server,
    host: addr.address,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
