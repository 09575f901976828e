/** /api/torrents: list, add (source text or base64 .torrent), remove. */
import express, { type Request } from 'express';
import type { TorrentManager } from '../core/torrent-manager.js';
import { MAX_TORRENT_FILE_BYTES } from '../core/sources.js';
import { sendJsonError, sendThrown } from './json-error.js';

/** A base64 .torrent at the largest accepted size, plus JSON framing. */
export const MAX_API_BODY_BYTES = Math.ceil((MAX_TORRENT_FILE_BYTES * 4) / 3) + 4096;

export function baseUrlOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

export function torrentsRouter(manager: TorrentManager, opts: { streamUrl?: (baseUrl: string, infoHash: string, fileIndex: number) => string } = {}): express.Router {
  const router = express.Router();
  const withUrls = <T extends { infoHash: string; files: Array<{ index: number; url: string }> }>(view: T, base: string): T =>
    opts.streamUrl ? { ...view, files: view.files.map((f) => ({ ...f, url: opts.streamUrl!(base, view.infoHash, f.index) })) } : view;

  router.get('/api/torrents', (req, res) => {
    const base = baseUrlOf(req);
    res.json(manager.list(base).map((v) => withUrls(v, base)));
  });
  router.get('/api/torrents/:infoHash', (req, res) => {
    const view = manager.get(req.params.infoHash, baseUrlOf(req));
    if (!view) return sendJsonError(res, 404, 'E_NOT_FOUND', `no torrent ${req.params.infoHash} is loaded`);
    res.json(withUrls(view, baseUrlOf(req)));
  });
  router.post('/api/torrents', express.json({ limit: MAX_API_BODY_BYTES }), async (req, res) => {
    const body: unknown = req.body;
    const source = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    try {
      let infoHash: string;
      if (typeof source['torrent'] === 'string') {
        const session = await manager.addTorrentBytes(Buffer.from(source['torrent'], 'base64'));
        infoHash = session.infoHash;
      } else if (typeof source['source'] === 'string') {
        infoHash = (await manager.add(source['source'])).infoHash;
      } else {
        return sendJsonError(res, 400, 'E_BAD_SOURCE', 'send {"source": "<infohash|magnet>"} or {"torrent": "<base64 .torrent>"}');
      }
      const base = baseUrlOf(req);
      res.status(201).json(withUrls(manager.get(infoHash, base)!, base));
    } catch (err) {
      sendThrown(res, err);
    }
  });
  router.delete('/api/torrents/:infoHash', async (req, res) => {
    try {
      await manager.remove(req.params.infoHash);
      res.status(204).end();
    } catch (err) {
      sendThrown(res, err);
    }
  });
  return router;
}
