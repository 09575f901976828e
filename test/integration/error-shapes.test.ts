/**
 * What a hostile or confused client gets back from the real service: no view of the server's
 * disk through POST /api/torrents, SOAP faults (never JSON or HTML) from the DLNA control URLs,
 * JSON errors on every other path, and never more than a short echo of its own input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DLNA_PATHS } from '../../src/adapters/upnp-descriptions.js';
import { MAX_ECHOED_INPUT } from '../../src/errors.js';
import { makeFixture, removeFixture } from '../sim/fixtures.js';
import { startService } from '../sim/service.js';

const CD = 'urn:schemas-upnp-org:service:ContentDirectory:1';

async function postSource(base: string, source: string): Promise<{ status: number; code: string; message: string }> {
  const res = await fetch(`${base}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source }) });
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, code: body.error.code, message: body.error.message };
}

async function soap(base: string, body: string): Promise<{ status: number; type: string; text: string }> {
  const res = await fetch(`${base}${DLNA_PATHS.contentDirectoryControl}`, { method: 'POST', headers: { 'content-type': 'text/xml; charset="utf-8"', soapaction: `"${CD}#Browse"` }, body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

test('paths over HTTP are refused alike, SOAP errors are faults, other paths answer JSON, echoes are short', async (t) => {
  const fx = await makeFixture({ name: 'on-disk.mp4', files: [{ name: 'on-disk.mp4', length: 50_000 }], seed: 5 });
  t.after(() => removeFixture(fx));
  const secret = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-secret-')), 'shadow');
  fs.writeFileSync(secret, 'root:$6$not-a-torrent');
  t.after(() => fs.rmSync(path.dirname(secret), { recursive: true, force: true }));
  const svc = await startService({ bootstrap: ['127.0.0.1:9'] });
  t.after(() => svc.close());

  const existing = await postSource(svc.baseUrl, secret);
  const missing = await postSource(svc.baseUrl, `${secret}-missing`);
  const validTorrent = await postSource(svc.baseUrl, fx.torrentPath);
  for (const answer of [existing, missing, validTorrent]) {
    assert.equal(answer.status, 400);
    assert.equal(answer.code, 'E_BAD_SOURCE');
    assert.match(answer.message, /^over HTTP a source is an infohash or a magnet URI/);
    assert.doesNotMatch(answer.message, /buffer|no such/i, 'nothing about the file itself');
  }
  assert.equal(svc.manager.sessions().length, 0, 'no .torrent from the server disk was loaded');

  const huge = await postSource(svc.baseUrl, `magnet:?xt=urn:btih:${'z'.repeat(410_000)}`);
  assert.equal(huge.code, 'E_BAD_SOURCE');
  assert.ok(huge.message.length < MAX_ECHOED_INPUT + 200, `a ${huge.message.length}-character message for a 410 KB source`);

  const proto = await soap(svc.baseUrl, `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:__proto__ xmlns:u="${CD}"><ObjectID>0</ObjectID></u:__proto__></s:Body></s:Envelope>`);
  const deep = await soap(svc.baseUrl, `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${'<a>'.repeat(2250)}${'</a>'.repeat(2250)}</s:Body></s:Envelope>`);
  for (const fault of [proto, deep]) {
    assert.ok(fault.status >= 400 && fault.status < 600, String(fault.status));
    assert.match(fault.type, /xml/);
    assert.match(fault.text, /<s:Fault>[\s\S]*<errorCode>\d+<\/errorCode>/);
  }

  const unknown = await fetch(`${svc.baseUrl}/no/such/page`);
  assert.equal(unknown.status, 404);
  assert.match(unknown.headers.get('content-type') ?? '', /json/);
  assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'E_NOT_FOUND');
});
