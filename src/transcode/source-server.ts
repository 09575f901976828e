/**
 * A private HTTP source for ffmpeg and ffprobe: one torrent file, with Range, on 127.0.0.1 and a
 * random port, behind an unguessable path, for the life of one transcode request.
 *
 * Why not stdin: a pipe cannot seek, so `-ss` before `-i` would decode everything up to T, and a
 * moov-at-end MP4 could not even be probed until fully downloaded. Why not the service's own
 * /stream URL: it sits behind Host checks and tokens that depend on how the service was bound;
 * this server needs neither, answers only on loopback, and dies with the request. Each read is a
 * torrent read stream, so the pieces ffmpeg asks for are fetched first and reads wait for them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { planByteServe } from '../server/range.js';
import type { TorrentSession } from '../core/engine.js';
import { httpBase } from '../server/http-base.js';

export interface FileSource {
  name: string;
  length: number;
  createReadStream(range: { start: number; end: number }): Readable;
}

export interface SourceServer {
  url: string;
  /** Bytes sent to ffmpeg/ffprobe so far (tests and logs). */
  bytesServed(): number;
  close(): Promise<void>;
}

export async function startSourceServer(file: FileSource, host = '127.0.0.1'): Promise<SourceServer> {
  const secret = crypto.randomBytes(16).toString('hex');
  // The extension helps ffmpeg's format guess; the name itself is never trusted for paths.
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(file.name)?.[1] ?? 'bin';
  const route = `/${secret}/media.${ext}`;
  let served = 0;
  const reads = new Set<Readable>();
  const server = http.createServer((req, res) => {
    if (req.url !== route || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end();
      return;
    }
    const plan = planByteServe({ method: req.method, rangeHeader: req.headers.range, length: file.length, contentType: 'application/octet-stream' });
    res.writeHead(plan.status, plan.headers);
    if (plan.bodless || !plan.range) {
      res.end();
      return;
    }
    const body = file.createReadStream(plan.range);
    reads.add(body);
    body.on('data', (chunk: Buffer) => {
      served += chunk.length;
    });
    // ffmpeg closes the connection on every seek; pipeline then destroys the torrent read.
    pipeline(body, res)
      .catch(() => body.destroy())
      .finally(() => reads.delete(body));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `${httpBase(host, port)}${route}`,
    bytesServed: () => served,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const r of reads) r.destroy();
      });
      return closing;
    },
  };
}

/** The source for one file of a torrent session. */
export function startSessionFileSource(session: Pick<TorrentSession, 'files' | 'createReadStream'>, fileIndex: number): Promise<SourceServer> {
  const file = session.files[fileIndex];
  if (!file) throw new Error(`no file ${fileIndex} in this torrent`);
  return startSourceServer({ name: file.name, length: file.length, createReadStream: (range) => session.createReadStream(fileIndex, range) });
}
