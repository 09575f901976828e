/** A tiny HTTP server for tests: serves fixed bodies by path and records who fetched what. */
import http from 'node:http';

export interface MediaServer {
  url(path: string): string;
  requests: Array<{ path: string; from: string; range?: string; method: string }>;
  bytesSent(): number;
  close(): Promise<void>;
}

export async function startMediaServer(host: string, files: Record<string, { body: Buffer; contentType: string; headers?: Record<string, string> }>): Promise<MediaServer> {
  const requests: MediaServer['requests'] = [];
  let sent = 0;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ path, from: req.socket.remoteAddress ?? '', method: req.method ?? 'GET', ...(req.headers.range ? { range: req.headers.range } : {}) });
    const file = files[path];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    let start = 0;
    let end = file.body.length - 1;
    const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    const headers: Record<string, string> = { 'Content-Type': file.contentType, 'Accept-Ranges': 'bytes', ...file.headers };
    if (m && (m[1] || m[2])) {
      if (m[1]) {
        start = Number(m[1]);
        if (m[2]) end = Math.min(end, Number(m[2]));
      } else start = Math.max(0, file.body.length - Number(m[2]));
      if (start > end) {
        res.writeHead(416, { 'Content-Range': `bytes */${file.body.length}` }).end();
        return;
      }
      headers['Content-Range'] = `bytes ${start}-${end}/${file.body.length}`;
      res.writeHead(206, { ...headers, 'Content-Length': String(end - start + 1) });
    } else res.writeHead(200, { ...headers, 'Content-Length': String(file.body.length) });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const slice = file.body.subarray(start, end + 1);
    sent += slice.length;
    res.end(slice);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: (path) => `http://${host}:${port}${path}`,
    requests,
    bytesSent: () => sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
