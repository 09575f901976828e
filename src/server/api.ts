/**
 * /api/torrents: list, add (source text or base64 .torrent), remove (`?deleteFiles=true`: and its
 * data), and a torrent's files a page at a time, searched by name (`/api/torrents/:infoHash/files`).
 * A view lists `?files=N|all` of its files (default: all, but POST_VIEW_FILES in a 201) and says
 * how many there are in `fileCount`, so a 50,000-file torrent need not travel whole.
 */
import express, { type Request } from 'express';
import { mimeFor, type TorrentManager, type TorrentView } from '../core/torrent-manager.js';
import { slicedWriter, writeJsonWithLongArray, type SlicedWriter } from './sliced-response.js';
import { isNetworkSource, MAX_TORRENT_FILE_BYTES } from '../core/sources.js';
import { echoInput } from '../errors.js';
import { sendJsonError, sendError } from './json-error.js';
import { parseFilePageQuery, parseFilesLimit, POST_VIEW_FILES, type FileLimit } from './file-query.js';
import { lowerNamesOf, pageOfFiles } from '../web/client/file-search.js';
import { mediaClassOf } from '../adapters/media-files.js';

/** A base64 .torrent at the largest accepted size, plus JSON framing. */
export const MAX_API_BODY_BYTES = Math.ceil((MAX_TORRENT_FILE_BYTES * 4) / 3) + 4096;

/** Video or audio by MIME type: what the Kodi add-on and M3U players list, by DLNA's own rule. */
function isMediaMime(f: { mime: string }): boolean {
  return mediaClassOf(f.mime) !== undefined;
}

const mediaCounts = new WeakMap<object, number>();

/** How many of a session's files are video or audio, counted once per file list. */
function mediaCountOf(files: ReadonlyArray<{ name: string }>): number {
  let n = mediaCounts.get(files);
  if (n === undefined) mediaCounts.set(files, (n = files.filter((f) => isMediaMime({ mime: mimeFor(f.name) })).length));
  return n;
}

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
  const lowerNames = new WeakMap<object, readonly string[]>();
  const mediaOnly = new WeakMap<object, TorrentView['files']>();
  /** The video and audio files of a list, kept as long as the list (a torrent's files never change). */
  const mediaFilesOf = (files: TorrentView['files']): TorrentView['files'] => {
    let media = mediaOnly.get(files);
    if (!media) mediaOnly.set(files, (media = files.filter(isMediaMime)));
    return media;
  };
  const fileView = (f: TorrentView['files'][number], infoHash: string, base: string): object => {
    const duration = opts.durationOf?.(infoHash, f.index);
    return { ...f, ...(opts.streamUrl ? { url: opts.streamUrl(base, infoHash, f.index) } : {}), ...(duration !== undefined ? { durationSeconds: Math.round(duration * 1000) / 1000 } : {}) };
  };
  /**
   * A view with its first `limit` files, written in slices (a torrent may have tens of thousands).
   * `mediaFileCount` lets a media center say how many it will list without fetching them.
   */
  const writeView = (out: SlicedWriter, view: TorrentView, base: string, limit: FileLimit): Promise<boolean> => {
    const files = limit < view.files.length ? view.files.slice(0, limit) : view.files;
    // The view may hold only the first `limit` files (TorrentManager.view): the count is the session's.
    const session = manager.session(view.infoHash);
    const fileCount = session?.files.length ?? view.files.length;
    const mediaFileCount = session ? mediaCountOf(session.files) : view.files.filter(isMediaMime).length;
    return writeJsonWithLongArray(out, { ...view, fileCount, mediaFileCount }, 'files', files, (f) => fileView(f, view.infoHash, base));
  };
  /** `?files=`, or undefined once a 400 has been sent. */
  const filesLimit = (req: Request, res: express.Response, fallback: FileLimit): FileLimit | undefined => {
    const parsed = parseFilesLimit(req.query['files'], fallback);
    if (parsed.ok) return parsed.value;
    sendJsonError(res, 'E_BAD_ARGUMENT', parsed.message);
    return undefined;
  };

  router.get('/api/torrents', async (req, res) => {
    const limit = filesLimit(req, res, Infinity);
    if (limit === undefined) return;
    const base = baseUrlOf(req);
    const out = slicedWriter(res.type('json'));
    const views = manager.list(base);
    if (!(await out.write('['))) return;
    for (const [i, view] of views.entries()) {
      if (i > 0 && !(await out.write(','))) return;
      if (!(await writeView(out, view, base, limit))) return;
    }
    if (await out.write(']')) out.end();
  });
  router.get('/api/torrents/:infoHash', async (req, res) => {
    const limit = filesLimit(req, res, Infinity);
    if (limit === undefined) return;
    const base = baseUrlOf(req);
    const view = manager.get(req.params.infoHash, base, limit);
    if (!view) return sendJsonError(res, 'E_NOT_FOUND', `no torrent ${req.params.infoHash} is loaded`);
    const out = slicedWriter(res.type('json'));
    if (await writeView(out, view, base, limit)) out.end();
  });
  router.get('/api/torrents/:infoHash/files', (req, res) => {
    const query = parseFilePageQuery(req.query);
    if (!query.ok) return sendJsonError(res, 'E_BAD_ARGUMENT', query.message);
    const base = baseUrlOf(req);
    const view = manager.get(req.params.infoHash, base);
    if (!view) return sendJsonError(res, 'E_NOT_FOUND', `no torrent ${req.params.infoHash} is loaded`);
    const { offset, limit, q, media } = query.value;
    const files = media ? mediaFilesOf(view.files) : view.files;
    const page = pageOfFiles(files, q, offset, limit, q.trim() ? lowerNamesOf(files, lowerNames) : undefined);
    res.set('Cache-Control', 'no-store').json({ infoHash: view.infoHash, fileCount: view.files.length, ...(media ? { mediaFileCount: files.length } : {}), matched: page.matched, offset, limit, files: page.items.map((f) => fileView(f, view.infoHash, base)) });
  });
  router.post('/api/torrents', express.json({ limit: MAX_API_BODY_BYTES }), async (req, res) => {
    const limit = filesLimit(req, res, POST_VIEW_FILES);
    if (limit === undefined) return;
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
      if (await writeView(out, manager.get(infoHash, base, limit)!, base, limit)) out.end();
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
