/**
 * The adapters' routes under /api, mounted behind pairing: they list titles, so a LAN client
 * needs the pairing token (`?token=` works, which is what an M3U URL pasted into Jellyfin carries).
 */
import express, { type Request } from 'express';
import type { Catalog } from '../core/catalog.js';
import type { Auth } from '../server/auth.js';
import { baseUrlOf } from '../server/api.js';
import { addonManifestUrl } from './addon-manifest.js';
import { buildM3u } from './m3u.js';

export function adapterApiRouter(opts: { catalog: Pick<Catalog, 'list'>; auth: Pick<Auth, 'streamUrl' | 'streamToken'>; baseUrl?: (req: Request) => string }): express.Router {
  const router = express.Router();
  const baseOf = opts.baseUrl ?? baseUrlOf;
  router.get('/api/playlist.m3u', (req, res) => {
    const base = baseOf(req);
    res
      .set({ 'Content-Type': 'audio/x-mpegurl; charset=utf-8', 'Content-Disposition': 'inline; filename="torrent-live.m3u"', 'Cache-Control': 'no-store' })
      .send(buildM3u(opts.catalog.list(base), (h, i) => opts.auth.streamUrl(base, h, i)));
  });
  // Where to point a client that installs add-ons by URL (shown to paired devices only).
  router.get('/api/addon', (req, res) => {
    res.set('Cache-Control', 'no-store').json({ manifestUrl: addonManifestUrl(opts.auth, baseOf(req)) });
  });
  return router;
}
