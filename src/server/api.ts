/** /api/torrents: list, add (source text or base64 .torrent), remove (`?deleteFiles=true`: and its data). */
import express, { type Request } from 'express';
import type { TorrentManager, TorrentView } from '../core/torrent-manager.js';
import { slicedWriter, writeJsonWithLongArray, type SlicedWriter } from './sliced-response.js';
import { isNetworkSource, MAX_TORRENT_FILE_BYTES } from '../core/sources.js';
import { echoInput } from '../errors.js';
import { sendJsonError, sendError } from './json-error.js';

/** A base64 .torrent at the largest accepted size, plus JSON framing. */
export const MAX_API_BODY_BYTES = Math.ceil((MAX_TORRENT_FILE_BYTES * 4) / 3) + 4096;

export function baseUrlOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

export function torrentsRouter(
  manager: TorrentManager,
  opts: {
    streamUrl?: (baseUrl: string, infoHash: string, fileIndex: number) => string;
    /** A file's length in seconds once probed (`durationSeconds`, absent until then). */
    durationOf?: (infoHash: string, fileIndex: number) => number | undefined;
  } = {},
): express.Router {
  const router = express.Router();
  const fileView = (f: TorrentView['files'][number], infoHash: string, base: string): object => {
    const duration = opts.durationOf?.(infoHash, f.index);
    return { ...f, ...(opts.streamUrl ? { url: opts.streamUrl(base, infoHash, f.index) } : {}), ...(duration !== undefined ? { durationSeconds: Math.round(duration * 1000) / 1000 } : {}) };
  };
  /** A view with its files written in slices (a torrent may have tens of thousands). */
  const writeView = (out: SlicedWriter, view: TorrentView, base: string): Promise<boolean> =>
    writeJsonWithLongArray(out, view, 'files', view.files, (f) => fileView(f, view.infoHash, base));

  router.get('/api/torrents', async (req, res) => {
    const base = baseUrlOf(req);
    const out = slicedWriter(res.type('json'));
    const views = manager.list(base);
    if (!(await out.write('['))) return;
    for (const [i, view] of views.entries()) {
      if (i > 0 && !(await out.write(','))) return;
      if (!(await writeView(out, view, base))) return;
    }
    if (await out.write(']')) out.end();
  });
  router.get('/api/torrents/:infoHash', async (req, res) => {
    const base = baseUrlOf(req);
    const view = manager.get(req.params.infoHash, base);
    if (!view) return sendJsonError(res, 'E_NOT_FOUND', `no torrent ${req.params.infoHash} is loaded`);
    const out = slicedWriter(res.type('json'));
    if (await writeView(out, view, base)) out.end();
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
        if (!isNetworkSource(source['source'])) {
          return sendJsonError(res, 'E_BAD_SOURCE', `over HTTP a source is an infohash or a magnet URI, not ${echoInput(source['source'])}; send a .torrent file's bytes as {"torrent": "<base64>"} (paths on this machine work from the command line only)`);
        }
        infoHash = (await manager.add(source['source'])).infoHash;
      } else {
        return sendJsonError(res, 'E_BAD_SOURCE', 'send {"source": "<infohash|magnet>"} or {"torrent": "<base64 .torrent>"}');
      }
      const base = baseUrlOf(req);
      const out = slicedWriter(res.status(201).type('json'));
      if (await writeView(out, manager.get(infoHash, base)!, base)) out.end();
    } catch (err) {
      sendError(res, err);
    }
  });
  router.delete('/api/torrents/:infoHash', async (req, res) => {
    const deleteFiles = req.query['deleteFiles'];
    if (deleteFiles !== undefined && deleteFiles !== 'true' && deleteFiles !== 'false') {
      return sendJsonError(res, 'E_BAD_ARGUMENT', `deleteFiles must be true or false, not ${echoInput(String(deleteFiles))}`);
    }
    try {
      await manager.remove(req.params.infoHash, { deleteFiles: deleteFiles === 'true' });
      res.status(204).end();
    } catch (err) {
      sendError(res, err);
    }
  });
  return router;
}
