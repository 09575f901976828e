/**
 * Reads a product's /stream URL with node:http (lighter than fetch: the bench process also runs
 * the seeders), checking each chunk against the expected bytes as it comes (a memcmp is cheaper
 * than a hash). Shared by bench:wan and bench:interop.
 */
import http from 'node:http';

export interface StreamRead {
  /** performance.now() at the first chunk and at the end (or the first chunk when stopped there). */
  first: number;
  end: number;
  bytes: number;
  /** Every byte matched, and all of them arrived (unless stopped after the first chunk). */
  exact: boolean;
}

export function readStream(url: string, expected: Buffer, opts: { stopAfterFirstByte?: boolean } = {}): Promise<StreamRead> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      if (res.statusCode !== 200) {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => reject(new Error(`stream answered ${res.statusCode}: ${body.slice(0, 300)}`)));
        return;
      }
      let first = 0;
      let bytes = 0;
      let exact = true;
      res.on('data', (chunk: Buffer) => {
        if (!first) first = performance.now();
        if (exact && !chunk.equals(expected.subarray(bytes, bytes + chunk.length))) exact = false;
        bytes += chunk.length;
        if (opts.stopAfterFirstByte) {
          req.destroy();
          resolve({ first, end: first, bytes, exact });
        }
      });
      res.on('end', () => resolve({ first, end: performance.now(), bytes, exact: exact && bytes === expected.length }));
      res.on('error', reject);
    });
    req.on('error', (err) => (opts.stopAfterFirstByte ? undefined : reject(err)));
  });
}
