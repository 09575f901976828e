/**
 * The phone remote: one page, its stylesheet and its ES modules, all served locally (the page
 * must work on a LAN with no internet). Mount behind the auth middlewares:
 *   app.use(auth.hostCheck, auth.originCheck); app.use('/', auth.requirePairing, webRemoteRouter())
 */
import express from 'express';
import { join } from 'node:path';
import { ClientModules } from './client-modules.js';
import { PACKAGE_ROOT } from '../package-root.js';

/** The page and the client sources ship as files, also beside the compiled code (package.json "files"). */
const WEB_DIR = join(PACKAGE_ROOT, 'src/web');

/**
 * Everything from our own origin only. Torrent and file names are attacker-controlled text; the
 * page never parses them as HTML, and this policy is the second line: no inline script, no
 * foreign script or connection, and no framing by another site (clickjacking the cast buttons).
 */
export const REMOTE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface WebRemoteOptions {
  /** Folder of index.html and app.css; default src/web/static. */
  staticDir?: string;
  /** Folder of the client .ts modules; default src/web/client. */
  clientDir?: string;
}

export function webRemoteRouter(options: WebRemoteOptions = {}): express.Router {
  const staticDir = options.staticDir ?? join(WEB_DIR, 'static');
  const modules = new ClientModules(options.clientDir ?? join(WEB_DIR, 'client'));
  const router = express.Router();

  router.use((_req, res, next) => {
    res.set({
      'Content-Security-Policy': REMOTE_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
    });
    next();
  });

  router.get('/', (_req, res) => {
    res.set('Cache-Control', 'no-cache');
    res.sendFile(join(staticDir, 'index.html'));
  });

  // Browsers ask for /favicon.ico on pages without an icon link (the pairing redirect page).
  router.get('/favicon.ico', (_req, res) => {
    res.type('image/svg+xml').sendFile(join(staticDir, 'icon.svg'));
  });

  router.get('/assets/js/:name.js', async (req, res, next) => {
    try {
      const module = await modules.get(req.params.name);
      if (!module) return next();
      res.set({ 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache', ETag: module.etag });
      if (req.get('if-none-match') === module.etag) return void res.status(304).end();
      res.send(module.code);
    } catch (err) {
      next(err);
    }
  });

  router.use('/assets', express.static(staticDir, { index: false, dotfiles: 'ignore', fallthrough: true }));
  return router;
}
