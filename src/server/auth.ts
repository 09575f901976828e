/**
 * The HTTP auth layer: express middlewares that decide who may use the server.
 *
 * Order in the app: `hostCheck` first (everything), then `originCheck` (everything), then
 * `requirePairing` on the web remote and /api, and `requireStreamAccess` on /stream routes.
 *
 * - Loopback clients (or whatever `isTrusted` says) need no credential: they are this machine.
 * - Every other client needs the pairing token: `?token=` once (moved into a cookie), the cookie,
 *   or `Authorization: Bearer`. TVs, which cannot keep a cookie, get /stream URLs carrying a
 *   per-file HMAC token instead (`?st=`).
 */
import type { Request, RequestHandler, Response } from 'express';
import type { ErrorCode } from '../errors.js';
import {
  bearerToken,
  classifyOrigin,
  isAllowedHost,
  isLoopbackAddress,
  isStateChanging,
  parseCookies,
  tokensEqual,
  withoutQueryParam,
} from './auth-rules.js';
import { streamToken, verifyStreamToken } from './auth-token.js';

const STREAM_TOKEN_CACHE_ENTRIES = 500_000;

export const PAIRING_COOKIE = 'tl_pair';
export const PAIRING_QUERY = 'token';
export const STREAM_TOKEN_QUERY = 'st';
/** A paired phone stays paired for a year, or until `--new-token`. */
export const PAIRING_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

export interface AuthOptions {
  /** The pairing token (loadOrCreateToken); also the HMAC key of stream tokens. */
  token: string;
  /**
   * Which remote addresses need no credential. Default: loopback (127.0.0.0/8, ::1). Tests that
   * play a LAN client on loopback pass a narrower predicate (e.g. only 127.0.0.1).
   */
  isTrusted?: (remoteAddress: string) => boolean;
  /** The server's own `host[:port]` names and addresses (see ownHosts); read on every request. */
  allowedHosts: () => string[];
}

export interface Auth {
  /** Refuses (403 E_BAD_HOST) requests whose Host is not ours: stops DNS rebinding. */
  hostCheck: RequestHandler;
  /** Refuses (403 E_CROSS_ORIGIN) state-changing requests sent by another site's page: stops CSRF. */
  originCheck: RequestHandler;
  /** Lets trusted or paired clients through; pairs on a valid `?token=`; 401 E_UNAUTHORIZED otherwise. */
  requirePairing: RequestHandler;
  /** For `/stream/:infoHash/:fileIndex`: trusted, paired, or a valid `?st=` for that very file. */
  requireStreamAccess: RequestHandler;
  isTrustedRequest(req: Request): boolean;
  isPairedRequest(req: Request): boolean;
  /** The `?st=` value for one file. */
  streamToken(infoHash: string, fileIndex: number): string;
  /** `<baseUrl>/stream/<infoHash>/<fileIndex>?st=…`, the URL to hand a TV. */
  streamUrl(baseUrl: string, infoHash: string, fileIndex: number): string;
}

export function createAuth(options: AuthOptions): Auth {
  const isTrusted = options.isTrusted ?? isLoopbackAddress;
  const secret = options.token;
  if (secret.length < 16) throw new Error('createAuth: the pairing token is too short to protect anything');

  const isTrustedRequest = (req: Request): boolean => {
    // The socket's address, never X-Forwarded-For: a header is whatever the client says it is.
    const address = req.socket.remoteAddress;
    return address !== undefined && isTrusted(address);
  };

  const presentedCredential = (req: Request): string | undefined =>
    bearerToken(req.get('authorization')) ?? parseCookies(req.get('cookie')).get(PAIRING_COOKIE);

  const isPairedRequest = (req: Request): boolean => tokensEqual(presentedCredential(req), secret);

  const hostCheck: RequestHandler = (req, res, next) => {
    if (isAllowedHost(req.get('host'), options.allowedHosts())) return next();
    sendError(req, res, 403, 'E_BAD_HOST', `the Host header ${JSON.stringify(req.get('host') ?? '')} is not an address of this server`);
  };

  const originCheck: RequestHandler = (req, res, next) => {
    if (!isStateChanging(req.method)) return next();
    const verdict = classifyOrigin({
      host: req.get('host'),
      origin: req.get('origin'),
      referer: req.get('referer'),
      secFetchSite: req.get('sec-fetch-site'),
    });
    // 'no-origin' is a client that is not a browser (curl, a media center): it cannot be
    // tricked by a web page, and the token requirement still applies to it.
    if (verdict !== 'cross-origin') return next();
    const from = req.get('origin') ?? req.get('referer') ?? req.get('sec-fetch-site') ?? '';
    sendError(req, res, 403, 'E_CROSS_ORIGIN', `${req.method} ${req.path} was sent by another site (${from}); refused`);
  };

  const requirePairing: RequestHandler = (req, res, next) => {
    if (isTrustedRequest(req)) return next();
    const fromQuery = typeof req.query[PAIRING_QUERY] === 'string' ? req.query[PAIRING_QUERY] : undefined;
    if (fromQuery !== undefined) {
      if (!tokensEqual(fromQuery, secret)) {
        return sendError(req, res, 401, 'E_UNAUTHORIZED', 'the pairing token in the URL is wrong or out of date (was it rotated with --new-token?)');
      }
      setPairingCookie(res, secret);
      if ((req.method === 'GET' || req.method === 'HEAD') && wantsHtml(req)) {
        return sendPairedRedirect(res, withoutQueryParam(req.originalUrl, PAIRING_QUERY));
      }
      return next();
    }
    if (isPairedRequest(req)) return next();
    sendError(req, res, 401, 'E_UNAUTHORIZED', 'this device is not paired: open the URL with the token that torrent-live prints, or scan its QR code');
  };

  const requireStreamAccess: RequestHandler = (req, res, next) => {
    if (isTrustedRequest(req) || isPairedRequest(req)) return next();
    const target = streamTarget(req);
    const presented = typeof req.query[STREAM_TOKEN_QUERY] === 'string' ? req.query[STREAM_TOKEN_QUERY] : undefined;
    if (target && verifyStreamToken(secret, target.infoHash, target.fileIndex, presented)) return next();
    sendError(req, res, 401, 'E_UNAUTHORIZED', 'this stream URL needs its st= token (or a paired device)');
  };

  // A listing of a 50,000-file torrent asks for 50,000 tokens at once, each an HMAC: remember them
  // (the secret is fixed for this Auth). Bounded, so a stream of new torrents cannot grow it forever.
  const tokens = new Map<string, string>();
  const tokenFor = (infoHash: string, fileIndex: number): string => {
    const key = `${infoHash.toLowerCase()}\n${fileIndex}`;
    let token = tokens.get(key);
    if (token === undefined) {
      if (tokens.size >= STREAM_TOKEN_CACHE_ENTRIES) tokens.clear();
      token = streamToken(secret, infoHash, fileIndex);
      tokens.set(key, token);
    }
    return token;
  };

  return {
    hostCheck,
    originCheck,
    requirePairing,
    requireStreamAccess,
    isTrustedRequest,
    isPairedRequest,
    streamToken: tokenFor,
    streamUrl: (baseUrl, infoHash, fileIndex) =>
      `${baseUrl.replace(/\/+$/, '')}/stream/${infoHash.toLowerCase()}/${fileIndex}?${STREAM_TOKEN_QUERY}=${tokenFor(infoHash, fileIndex)}`,
  };
}

/** infoHash and fileIndex from route params, or from a `/stream/<hash>/<index>[/name]` path. */
function streamTarget(req: Request): { infoHash: string; fileIndex: number } | undefined {
  const params = req.params as Record<string, string | undefined>;
  let infoHash = params['infoHash'];
  let indexText = params['fileIndex'];
  if (infoHash === undefined || indexText === undefined) {
    const match = /\/stream\/([^/]+)\/(\d+)(?:\/|$)/.exec(req.originalUrl.split('?')[0] ?? '');
    if (!match) return undefined;
    infoHash = match[1];
    indexText = match[2];
  }
  if (infoHash === undefined || indexText === undefined || !/^\d+$/.test(indexText)) return undefined;
  return { infoHash, fileIndex: Number(indexText) };
}

function setPairingCookie(res: Response, token: string): void {
  // HttpOnly: a script injected into the page cannot read the credential. SameSite=Strict: no
  // other site's page can make the browser send it (CSRF, second line after originCheck). No
  // Secure flag: the remote is plain HTTP on the LAN.
  res.append(
    'Set-Cookie',
    `${PAIRING_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${PAIRING_COOKIE_MAX_AGE_SECONDS}`,
  );
}

/**
 * Drops the token from the address bar. A meta refresh, not a 30x: when the pairing link was
 * opened from another site (a chat app), a 30x stays part of that cross-site navigation and the
 * browser would withhold the fresh SameSite=Strict cookie; a refresh issued by our own page is
 * same-site. (CSP forbids inline scripts, so no location.replace.)
 */
function sendPairedRedirect(res: Response, location: string): void {
  const safe = escapeHtml(location);
  res
    .status(200)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      // The URL still holds the token until the refresh: never send it on as a Referer.
      'Referrer-Policy': 'no-referrer',
    })
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${safe}">` +
        `<meta name="viewport" content="width=device-width, initial-scale=1"><title>Paired</title></head>` +
        `<body><p>This device is paired. <a href="${safe}">Continue</a></p></body></html>`,
    );
}

function wantsHtml(req: Request): boolean {
  return !req.originalUrl.startsWith('/api/') && req.accepts(['json', 'html']) === 'html';
}

function sendError(req: Request, res: Response, status: number, code: ErrorCode, message: string): void {
  res.set('Cache-Control', 'no-store');
  if (wantsHtml(req) && req.method === 'GET') {
    res
      .status(status)
      .type('html')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
          `<title>torrent-live: ${status}</title></head><body><h1>torrent-live</h1><p role="alert">${escapeHtml(message)}</p>` +
          `<p><code>${code}</code></p></body></html>`,
      );
    return;
  }
  res.status(status).json({ error: { code, message } });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

