/**
 * Bounds where a client controls the count: open /stream responses are capped per client address
 * and in all, with a clear 503 E_BUSY past the cap (and the slot comes back when a player goes);
 * a client trickling header lines is cut by the headers timeout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { PlainLookupPeerSource } from '../sim/plain-lookup.js';
import { closesAfter, type Own } from '../sim/cleanup.js';

const HOST = '127.177.0.1';

/** A raw GET that never reads its body: the response stays open, holding its slot. */
async function stalledGet(own: Own, host: string, port: number, path: string, from: string): Promise<{ socket: net.Socket; head: string }> {
  const socket = own(net.connect({ host, port, localAddress: from }), (s) => s.destroy());
  await new Promise<void>((r) => socket.once('connect', r));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\n\r\n`);
  const head = await new Promise<string>((resolve) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      // Stop reading: the kernel buffers fill and the server has to hold the rest.
      socket.pause();
      resolve(text.slice(0, end + 4) + text.slice(end + 4, end + 600));
    };
    socket.on('data', onData);
  });
  return { socket, head };
}

test('open streams are capped per client and in all, with a clear 503 E_BUSY; a closed player frees its slot', async (t) => {
  const own = closesAfter(t);
  const fx = await makeFixture({ name: 'long.mp4', files: [{ name: 'long.mp4', length: 48 * 1024 * 1024 }], seed: 1771, pieceLength: 1024 * 1024 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 20, addressBlock: 177, seederBlock: 178 }));
  const peerSource = own(new PlainLookupPeerSource({ bootstrap: world.dht.bootstrap, bindAddress: HOST, relookupIntervalMs: 2_000 }), (p) => p.close());
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, host: HOST, peerSource, config: { bindAddress: HOST, maxStreamsPerClient: 3, maxStreams: 5 } }), (s) => s.close());
  const port = svc.http.port;
  const path = `/stream/${fx.infoHash}/0`;
  const added = await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
  assert.equal(added.status, 201);

  const first: net.Socket[] = [];
  for (let i = 0; i < 3; i++) {
    const { socket, head } = await stalledGet(own, HOST, port, path, '127.177.1.1');
    assert.match(head, /^HTTP\/1\.1 200/);
    first.push(socket);
  }
  const overClient = await stalledGet(own, HOST, port, path, '127.177.1.1');
  assert.match(overClient.head, /^HTTP\/1\.1 503/);
  assert.match(overClient.head, /Retry-After: 5/i);
  assert.match(overClient.head, /"code":"E_BUSY"/);
  assert.match(overClient.head, /this client already has 3 streams open; at most 3 per client/);
  assert.match(overClient.head, /close another player/);

  for (let i = 0; i < 2; i++) assert.match((await stalledGet(own, HOST, port, path, '127.177.1.2')).head, /^HTTP\/1\.1 200/);
  const overTotal = await stalledGet(own, HOST, port, path, '127.177.1.3');
  assert.match(overTotal.head, /^HTTP\/1\.1 503/);
  assert.match(overTotal.head, /the server already has 5 streams open; at most 5 in all/);

  // The API still answers while the streams stall.
  const started = performance.now();
  assert.equal((await fetch(`${svc.baseUrl}/api/torrents`)).status, 200);
  t.diagnostic(`GET /api/torrents with 5 stalled streams: ${(performance.now() - started).toFixed(1)} ms`);

  first[0]!.destroy();
  let freed = '';
  for (let attempt = 0; attempt < 50 && !/^HTTP\/1\.1 200/.test(freed); attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 20));
    const again = await stalledGet(own, HOST, port, path, '127.177.1.3');
    freed = again.head;
    if (!/^HTTP\/1\.1 200/.test(freed)) again.socket.destroy();
  }
  assert.match(freed, /^HTTP\/1\.1 200/, 'a player that went away gave its slot back');
});

test('a client sending one header line at a time is cut by the headers timeout', async (t) => {
  const own = closesAfter(t);
  const svc = own(await startService({ bootstrap: [], host: HOST, config: { bindAddress: HOST, httpHeadersTimeoutMs: 1_500, httpRequestTimeoutMs: 3_000 } }), (s) => s.close());
  const socket = own(net.connect({ host: HOST, port: svc.http.port, localAddress: '127.177.2.1' }), (s) => s.destroy());
  await new Promise<void>((r) => socket.once('connect', r));
  let answer = '';
  socket.on('data', (d) => (answer += d.toString('latin1')));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
  socket.on('error', () => undefined);
  const started = performance.now();
  socket.write(`GET /api/torrents HTTP/1.1\r\nHost: ${HOST}:${svc.http.port}\r\n`);
  let lines = 0;
  const trickle = setInterval(() => {
    if (!socket.destroyed) socket.write(`X-Slow-${lines++}: still sending\r\n`);
  }, 250);
  own(trickle, clearInterval);
  const closedAt = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 8_000))]);
  clearInterval(trickle);
  assert.notEqual(closedAt, -1, `still open after 8 s of header lines (${lines} sent)`);
  const elapsed = closedAt - started;
  assert.ok(elapsed < 3_500, `cut after ${elapsed.toFixed(0)} ms for a 1.5 s headers timeout`);
  assert.match(answer, /^HTTP\/1\.1 408/, 'told why: 408 Request Timeout');
  t.diagnostic(`cut after ${elapsed.toFixed(0)} ms and ${lines} header lines`);
});
