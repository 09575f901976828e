import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, apiRequest, describeFailure, streamRefusal } from '../../../src/web/client/api-client.js';

test('describeFailure prefers the server message, falls back per status', () => {
  assert.deepEqual(describeFailure(400, { error: { code: 'E_BAD_SOURCE', message: 'bad magnet' } }), { code: 'E_BAD_SOURCE', message: 'bad magnet' });
  assert.equal(describeFailure(413, undefined).code, 'E_TOO_LARGE');
  assert.match(describeFailure(413, 'html').message, /too large/);
  assert.match(describeFailure(401, {}).message, /not paired/);
  assert.equal(describeFailure(418, { error: { code: 'X', message: '' } }).message, 'The server answered 418.');
});

test('apiRequest sends JSON, parses replies, and throws ApiError with the user message', async () => {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const reply = (status: number, body: string) => async (url: string, init?: RequestInit) => {
    calls.push({ url, ...(init ? { init } : {}) });
    return new Response(status === 204 ? null : body, { status });
  };
  assert.deepEqual(await apiRequest('POST', '/api/cast', { a: 1 }, reply(200, '{"ok":true}')), { ok: true });
  assert.equal(calls[0]!.init?.body, '{"a":1}');
  assert.equal((calls[0]!.init?.headers as Record<string, string>)['Content-Type'], 'application/json');
  assert.equal(await apiRequest('DELETE', '/x', undefined, reply(204, '')), undefined);
  await assert.rejects(apiRequest('POST', '/api/torrents', {}, reply(400, '{"error":{"code":"E_BAD_SOURCE","message":"not a magnet"}}')), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'E_BAD_SOURCE');
    assert.equal(err.message, 'not a magnet');
    return true;
  });
  await assert.rejects(apiRequest('GET', '/x', undefined, async () => { throw new TypeError('fetch failed'); }), { code: 'E_NETWORK' });
});

test('streamRefusal reads the server reason for a refused stream, and stops a stream that now plays', async () => {
  const refused = await streamRefusal('/stream/x/0?transcode=mp4', async () => new Response(JSON.stringify({ error: { code: 'E_CAPACITY', message: 'this machine cannot convert another video in real time' } }), { status: 503 }));
  assert.deepEqual(refused, { code: 'E_CAPACITY', message: 'this machine cannot convert another video in real time' });
  let cancelled = false;
  const body = new ReadableStream({ cancel: () => void (cancelled = true) });
  assert.equal(await streamRefusal('/s', async () => new Response(body, { status: 200 })), undefined);
  assert.equal(cancelled, true);
  assert.equal(await streamRefusal('/s', async () => Promise.reject(new Error('offline'))), undefined);
  assert.equal((await streamRefusal('/s', async () => new Response('<html>', { status: 502 })))!.message, 'The server answered 502.');
});
