/**
 * The real service with everything the CLI mounts (src/lan.ts, the private lookup's routes): a
 * LAN client without the pairing token gets 401 on the page and on every /api route the app
 * registers (found by walking the express router, so a new route cannot slip through), a paired
 * client's cross-site POST is refused, /stream needs the per-file token, and only the routes
 * meant for token-less LAN players (DLNA descriptions) answer without one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type express from 'express';
import { startService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';

const SERVICE_HOST = '127.5.0.2';
const LAN_CLIENT = '127.6.0.3';

interface Layer { route?: { path: string | RegExp | Array<string | RegExp>; methods: Record<string, boolean> }; handle: { stack?: Layer[] } }

/** Every [method, path] the app registers under /api, through nested routers. */
function apiRoutes(app: express.Express): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (stack: Layer[]): void => {
    for (const layer of stack) {
      const paths = layer.route ? [layer.route.path].flat() : [];
      for (const p of paths) {
        if (typeof p !== 'string') {
          assert.ok(!p.test('/api/x'), `a pattern route (${String(p)}) under /api cannot be enumerated here`);
          continue;
        }
        if (p.startsWith('/api')) for (const m of Object.keys(layer.route!.methods)) out.push([m.toUpperCase(), p]);
      }
      if (layer.handle.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

function request(port: number, method: string, urlPath: string, headers: Record<string, string> = {}, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ host: SERVICE_HOST, port, localAddress: LAN_CLIENT, method, path: urlPath, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers } }, (res) => {
      if (res.headers['content-type']?.startsWith('text/event-stream')) {
        res.destroy();
        return resolve({ status: res.statusCode ?? 0, body: '' });
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

test('LAN without the token: 401 on the page and every registered /api route; cross-site POST refused; /stream needs its token', async (t) => {
  const own = closesAfter(t);
  const storeDir = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-service-auth-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  const svc = own(await startService({ bootstrap: ['127.0.0.1:9'], storeDir, host: SERVICE_HOST, privateLookup: true, service: { tvs: {}, isTrusted: (ip) => ip === '127.0.0.1' } }));
  const port = svc.http.port;
  const origin = `http://${SERVICE_HOST}:${port}`;
  const app = svc.http.server.listeners('request')[0] as unknown as express.Express;
  const routes = apiRoutes(app);
  const expected = ['GET /api/torrents', 'POST /api/torrents', 'DELETE /api/torrents/:infoHash', 'GET /api/events', 'GET /api/spies', 'GET /api/spies.p2p', 'GET /api/devices', 'POST /api/cast', 'GET /api/playlist.m3u', 'GET /api/addon'];
  for (const e of expected) assert.ok(routes.some(([m, p]) => `${m} ${p}` === e), `${e} is registered (found: ${routes.map((r) => r.join(' ')).join(', ')})`);
  const hash = 'ab'.repeat(20);
  for (const [method, route] of routes) {
    const concrete = route.replace(':infoHash', hash).replace(':id', 'chromecast%3Aabc').replace(':action', 'pause');
    const reply = await request(port, method, concrete, { origin }, method === 'POST' ? {} : undefined);
    assert.equal(reply.status, 401, `${method} ${concrete} → ${reply.status} ${reply.body.slice(0, 120)}`);
    assert.match(reply.body, /E_UNAUTHORIZED/);
  }
  assert.equal((await request(port, 'GET', '/', { accept: 'text/html' })).status, 401, 'the page');

  // Paired, but the POST comes from another site's page: CSRF refused before any handler.
  const cookie = `tl_pair=${svc.token}`;
  assert.equal((await request(port, 'GET', '/api/torrents', { cookie })).status, 200, 'paired works');
  const csrf = await request(port, 'POST', '/api/torrents', { cookie, origin: 'http://evil.example' }, { source: hash });
  assert.equal(csrf.status, 403);
  assert.match(csrf.body, /E_CROSS_ORIGIN/);

  const stream = await request(port, 'GET', `/stream/${hash}/0`);
  assert.equal(stream.status, 401, '/stream without its token');
  const wrongToken = await request(port, 'GET', `/stream/${hash}/0?st=${svc.auth.streamToken(hash, 1)}`);
  assert.equal(wrongToken.status, 401, 'another file\'s token does not open this one');
  assert.equal((await request(port, 'GET', '/dlna/description.xml')).status, 200, 'DLNA clients cannot carry tokens: browsing is open by design');
  assert.equal((await request(port, 'GET', '/dlna/description.xml', { host: 'rebind.example:80' })).status, 403, 'but the Host check still applies');
});
