/** HTTP to devices on the LAN: every request has a deadline and a body size cap, errors carry CastError codes. */
import http from 'node:http';
import { CastError } from './types.js';

export interface BoundedRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  maxBytes: number;
}

export interface BoundedResponse { status: number; headers: http.IncomingHttpHeaders; body: string }

export function boundedRequest(req: BoundedRequest): Promise<BoundedResponse> {
  const url = new URL(req.url);
  if (url.protocol !== 'http:') return Promise.reject(new CastError('E_DEVICE_REFUSED', `only http URLs are fetched from devices, not ${url.protocol}`));
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, value?: BoundedResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        request.destroy();
        reject(err);
      } else resolve(value as BoundedResponse);
    };
    const headers: Record<string, string> = { Connection: 'close', ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    const request = http.request(url, { method: req.method ?? 'GET', headers, agent: false }, (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > req.maxBytes) {
        finish(new CastError('E_BAD_DESCRIPTION', `${url.href} answered ${declared} bytes, more than the ${req.maxBytes}-byte limit`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > req.maxBytes) {
          finish(new CastError('E_BAD_DESCRIPTION', `${url.href} sent more than the ${req.maxBytes}-byte limit`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => finish(new CastError('E_DEVICE_UNREACHABLE', `${url.href}: ${err.message}`, { cause: err })));
    });
    const timer = setTimeout(() => finish(new CastError('E_DEVICE_TIMEOUT', `${url.href} did not answer within ${req.timeoutMs} ms`)), req.timeoutMs);
    request.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code === 'ECONNREFUSED' ? 'E_DEVICE_REFUSED' : 'E_DEVICE_UNREACHABLE';
      finish(new CastError(code, `${url.host} ${err.code === 'ECONNREFUSED' ? 'refused the connection' : `is unreachable (${err.code ?? err.message})`}`, { cause: err }));
    });
    if (req.body !== undefined) request.write(req.body);
    request.end();
  });
}
