/**
 * The auth layer over real HTTP on loopback. The server listens on 127.5.0.1; "this machine" is a
 * client bound to 127.0.0.1, and a "LAN phone" is a client bound to 127.6.0.2, which the
 * injected isTrusted predicate does not trust (all of 127/8 is loopback to the kernel, so the
 * test narrows trust instead of leaving the machine).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeRemoteServer, type FakeRemoteServer } from '../e2e/fake-remote-api.js';
import { PAIRING_COOKIE } from '../../src/server/auth.js';

const SERVER_HOST = '127.5.0.1';
const LOCAL_CLIENT = '127.0.0.1';
const LAN_CLIENT = '127.6.0.2';
const TOKEN = 'test-pairing-token-0123456789abcdefghijklmnop';
const HASH = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

let server: FakeRemoteServer;
let dir: string;
let sameOrigin: string;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(from: string, method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = http.request(
      {
        host: SERVER_HOST,
        port: server.port,
        localAddress: from,
        method,
        path,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      },
      (res) => {
        if (res.headers['content-type']?.startsWith('text/event-stream')) {
          // The SSE stream never ends: its status and headers are the answer.
          res.destroy();
          return resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const errorCode = (reply: Reply): unknown => (JSON.parse(reply.body) as { error: { code: string } }).error.code;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tl-web-auth-'));
  const media = join(dir, 'clip.bin');
  await writeFile(media, Buffer.alloc(1000, 7));
  server = await startFakeRemoteServer({ host: SERVER_HOST, token: TOKEN, isTrusted: (ip) => ip === LOCAL_CLIENT || ip === '::ffff:127.0.0.1', mediaFile: media });
  sameOrigin = server.baseUrl;
});

after(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

test('a LAN client without the token gets 401 on the page, its assets and every /api route', async () => {
  const page = await request(LAN_CLIENT, 'GET', '/', { headers: { accept: 'text/html' } });
  assert.equal(page.status, 401);
  assert.match(page.headers['content-type'] ?? '', /text\/html/);
  assert.match(page.body, /not paired/);
  assert.doesNotMatch(page.body, /add-form/, 'the remote itself is not served');
  for (const asset of ['/assets/app.css', '/assets/js/main.js', '/assets/icon.svg']) {
    assert.equal((await request(LAN_CLIENT, 'GET', asset)).status, 401, asset);
  }
  for (const route of server.routes) {
    // With a same-origin Origin, so that it is the pairing check, not the CSRF check, refusing.
    const reply = await request(LAN_CLIENT, route.method, route.path, { headers: { origin: sameOrigin }, body: route.body });
    assert.equal(reply.status, 401, `${route.method} ${route.path}`);
    assert.equal(errorCode(reply), 'E_UNAUTHORIZED', `${route.method} ${route.path}`);
    const bad = await request(LAN_CLIENT, route.method, route.path, { headers: { authorization: 'Bearer not-the-token', cookie: `${PAIRING_COOKIE}=nope` }, body: route.body });
    assert.equal(bad.status, 401, `${route.method} ${route.path} with a wrong token`);
  }
  assert.equal(server.requests.length, 0, 'no request reached an API handler');
  assert.equal(server.torrents.size, 0);
});

test('the same routes work from this machine without any token', async () => {
  assert.equal((await request(LOCAL_CLIENT, 'GET', '/', { headers: { accept: 'text/html' } })).status, 200);
  assert.equal((await request(LOCAL_CLIENT, 'GET', '/api/torrents')).status, 200);
  assert.equal((await request(LOCAL_CLIENT, 'GET', '/api/events')).status, 200);
});

test('pairing: ?token= sets an HttpOnly SameSite=Strict cookie and drops the token from the URL', async () => {
  const wrong = await request(LAN_CLIENT, 'GET', '/?token=wrong', { headers: { accept: 'text/html' } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers['set-cookie'], undefined);

  const paired = await request(LAN_CLIENT, 'GET', `/?token=${TOKEN}&tab=tv`, { headers: { accept: 'text/html' } });
  assert.equal(paired.status, 200);
  const cookie = paired.headers['set-cookie']?.[0] ?? '';
  assert.match(cookie, new RegExp(`^${PAIRING_COOKIE}=${TOKEN};`));
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.match(cookie, /Path=\//);
  assert.match(paired.body, /http-equiv="refresh" content="0;url=\/\?tab=tv"/);
  assert.doesNotMatch(paired.body, new RegExp(TOKEN), 'the page that moves the token does not repeat it');
  assert.equal(paired.headers['referrer-policy'], 'no-referrer');

  const jar = cookie.split(';')[0]!;
  const page = await request(LAN_CLIENT, 'GET', '/', { headers: { accept: 'text/html', cookie: jar } });
  assert.equal(page.status, 200);
  assert.match(page.body, /id="add-form"/);
  assert.match(String(page.headers['content-security-policy'] ?? ''), /frame-ancestors 'none'/);
  const script = await request(LAN_CLIENT, 'GET', '/assets/js/main.js', { headers: { cookie: jar } });
  assert.equal(script.status, 200);
  assert.match(script.headers['content-type'] ?? '', /javascript/);
  assert.doesNotMatch(script.body, /: RemoteState/, 'types are stripped');
  assert.equal((await request(LAN_CLIENT, 'GET', '/assets/js/..%2Fapp.js', { headers: { cookie: jar } })).status, 404);
  assert.equal((await request(LAN_CLIENT, 'GET', '/assets/js/nope.js', { headers: { cookie: jar } })).status, 404);
  const icon = await request(LAN_CLIENT, 'GET', '/favicon.ico', { headers: { cookie: jar } });
  assert.equal(icon.status, 200);
  assert.match(String(icon.headers['content-type']), /image\/svg\+xml/);

  assert.equal((await request(LAN_CLIENT, 'GET', '/api/torrents', { headers: { cookie: jar } })).status, 200);
  assert.equal((await request(LAN_CLIENT, 'GET', '/api/torrents', { headers: { authorization: `Bearer ${TOKEN}` } })).status, 200);
  const viaQuery = await request(LAN_CLIENT, 'GET', `/api/torrents?token=${TOKEN}`);
  assert.equal(viaQuery.status, 200, 'an API client may pass ?token= directly');
  const added = await request(LAN_CLIENT, 'POST', '/api/torrents', { headers: { cookie: jar, origin: sameOrigin }, body: { source: HASH } });
  assert.equal(added.status, 201);
});

test('cross-origin state changes are refused with 403, even from this machine and from paired phones', async () => {
  const cookie = `${PAIRING_COOKIE}=${TOKEN}`;
  const before = server.requests.length;
  const attempts: Array<[string, Record<string, string>]> = [
    [LOCAL_CLIENT, { origin: 'http://evil.example' }],
    [LOCAL_CLIENT, { origin: `http://${SERVER_HOST}:1` }],
    [LOCAL_CLIENT, { referer: 'http://evil.example/page' }],
    [LOCAL_CLIENT, { 'sec-fetch-site': 'cross-site' }],
    [LOCAL_CLIENT, { origin: 'null' }],
    [LAN_CLIENT, { cookie, origin: 'http://evil.example' }],
  ];
  for (const [from, headers] of attempts) {
    const reply = await request(from, 'POST', '/api/torrents', { headers, body: { source: 'b'.repeat(40) } });
    assert.equal(reply.status, 403, JSON.stringify(headers));
    assert.equal(errorCode(reply), 'E_CROSS_ORIGIN');
    const del = await request(from, 'DELETE', `/api/torrents/${HASH}`, { headers });
    assert.equal(del.status, 403);
  }
  assert.equal(server.requests.length, before, 'nothing reached a handler');
  assert.equal(server.torrents.has('b'.repeat(40)), false);
  const ok = await request(LOCAL_CLIENT, 'POST', '/api/torrents', { headers: { origin: sameOrigin }, body: { source: 'c'.repeat(40) } });
  assert.equal(ok.status, 201, 'same origin passes');
  const curl = await request(LOCAL_CLIENT, 'POST', '/api/torrents', { body: { source: 'd'.repeat(40) } });
  assert.equal(curl.status, 201, 'a non-browser client (no Origin at all) passes on loopback');
});

test('a rebinding Host is refused before anything else, even from this machine', async () => {
  for (const host of ['attacker.example', `attacker.example:${server.port}`, `localhost:${server.port}`, `${SERVER_HOST}:1`]) {
    const reply = await request(LOCAL_CLIENT, 'GET', '/api/torrents', { headers: { host } });
    assert.equal(reply.status, 403, host);
    assert.equal(errorCode(reply), 'E_BAD_HOST');
  }
  const page = await request(LOCAL_CLIENT, 'GET', '/', { headers: { host: 'attacker.example', accept: 'text/html' } });
  assert.equal(page.status, 403);
  assert.doesNotMatch(page.body, /add-form/);
});

test('/stream: a LAN client needs the per-file st= token or the pairing cookie', async () => {
  const path = `/stream/${HASH}/0`;
  assert.equal((await request(LAN_CLIENT, 'GET', path)).status, 401);
  const st = server.auth.streamToken(HASH, 0);
  assert.equal((await request(LAN_CLIENT, 'GET', `${path}?st=${st}`)).status, 200);
  assert.equal((await request(LAN_CLIENT, 'GET', `/stream/${HASH}/1?st=${st}`)).status, 401, 'the token opens only its own file');
  assert.equal((await request(LAN_CLIENT, 'GET', `${path}?st=${st.replace(/.$/, (c) => (c === '0' ? '1' : '0'))}`)).status, 401);
  assert.equal((await request(LAN_CLIENT, 'GET', path, { headers: { cookie: `${PAIRING_COOKIE}=${TOKEN}` } })).status, 200);
  const url = new URL(server.auth.streamUrl(server.baseUrl, HASH, 0));
  assert.equal((await request(LAN_CLIENT, 'GET', url.pathname + url.search)).status, 200, 'streamUrl builds a working TV URL');
  assert.equal((await request(LAN_CLIENT, 'GET', `/api/torrents?st=${st}`)).status, 401, 'a stream token never opens the API');
});
