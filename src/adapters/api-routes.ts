/**
 * The adapters' routes under /api, mounted behind pairing: they list titles, so a LAN client
 * needs the pairing token (`?token=` works, which is what an M3U URL pasted into Jellyfin carries).
 */
import express, { type Request } from 'express';
import type { Catalog } from '../core/catalog.js';
import type { Auth } from '../server/auth.js';
import { baseUrlOf } from '../server/api.js';
import { addonManifestUrl } from './addon-manifest.js';
import { M3U_HEADER, m3uEntry, type DurationOf } from './m3u.js';
import { asMediaFile } from './media-files.js';
import { slicedWriter } from '../server/sliced-response.js';

export function adapterApiRouter(opts: { catalog: Pick<Catalog, 'list'>; auth: Pick<Auth, 'streamUrl' | 'streamToken'>; baseUrl?: (req: Request) => string; durationOf?: DurationOf }): express.Router {
  const router = express.Router();
  const baseOf = opts.baseUrl ?? baseUrlOf;
  router.get('/api/playlist.m3u', async (req, res) => {
    const base = baseOf(req);
    const urlFor = (h: string, i: number): string => opts.auth.streamUrl(base, h, i);
    res.set({ 'Content-Type': 'audio/x-mpegurl; charset=utf-8', 'Content-Disposition': 'inline; filename="torrent-live.m3u"', 'Cache-Control': 'no-store' });
    const out = slicedWriter(res);
    if (!(await out.write(M3U_HEADER))) return;
    for (const t of opts.catalog.list(base)) {
      if (!(await out.writeEach(t.files, (f) => {
        const media = asMediaFile(t, f);
        return media ? m3uEntry(t, media, urlFor, opts.durationOf) : '';
      })))
        return;
    }
    out.end();
  });
  // Where to point a client that installs add-ons by URL (shown to paired devices only).
  router.get('/api/addon', (req, res) => {
    res.set('Cache-Control', 'no-store').json({ manifestUrl: addonManifestUrl(opts.auth, baseOf(req)) });
  });
  return router;
}
