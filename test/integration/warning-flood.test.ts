/**
 * Junk datagrams at the DHT port: each is still refused by the bounded decoder, but the warnings
 * they cause are rate-limited per kind: at most one line of a kind per window, then a summary
 * with the count. (30 s at the production 10 s window: `npx tsx bench/warning-flood.ts`.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { startService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';
import type { AppEvent } from '../../src/events.js';

const HOST = '127.179.0.1';
const WINDOW_MS = 1_000;

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, HOST, r));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('a flood of junk KRPC datagrams gives at most one warning line per kind per window, with the count', async (t) => {
  const own = closesAfter(t);
  const dhtPort = await freeUdpPort();
  const svc = own(
    await startService({ bootstrap: ['127.179.0.9:9'], host: HOST, privateLookup: true, warningWindowMs: WINDOW_MS, config: { bindAddress: HOST, dhtPort, dhtBootstrap: ['127.179.0.9:9'] } }),
    (s) => s.close(),
  );
  // A torrent starts the private lookup, which opens the DHT socket.
  assert.equal((await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: 'c9e15763f722f23e98a29decdfae341b98d53056' }) })).status, 201);
  await new Promise((r) => setTimeout(r, 300));
  const flooder = own(dgram.createSocket('udp4'), (s) => s.close());
  await new Promise<void>((r) => flooder.bind(0, '127.179.0.2', r));
  const started = Date.now();
  let sent = 0;
  const junk = [Buffer.from('not bencode at all'), Buffer.from('d1:y1:r1:t2:zzi42e'), Buffer.from('li1ei2ee'), Buffer.from('d1:q4:ping1:y1:qe')];
  while (Date.now() - started < 3_500) {
    for (let i = 0; i < 200; i++) flooder.send(junk[sent++ % junk.length]!, dhtPort, HOST);
    await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, WINDOW_MS * 2.5));
  const lines = svc.events.filter((e): e is Extract<AppEvent, { event: 'warning' }> => e.event === 'warning' && e.kind === 'krpc-malformed');
  const counted = lines.reduce((n, w) => n + (w.suppressed ?? 1), 0);
  t.diagnostic(`${sent} datagrams sent, ${counted} warnings counted, ${lines.length} lines of kind krpc-malformed`);
  assert.ok(counted > 1_000, `the datagrams were seen (${counted} counted)`);
  assert.ok(lines.length >= 2 && lines.length <= 6, `${lines.length} lines for ~3.5 s of flood at a ${WINDOW_MS} ms window`);
  const times = lines.map((w) => Date.parse(w.time));
  for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= WINDOW_MS - 50, `lines ${i - 1} and ${i} are ${times[i]! - times[i - 1]!} ms apart`);
  assert.match(lines[1]!.message, /^… and [\d,]+ more like it in the last 1 s: malformed KRPC message from 127\.179\.0\.2:\d+: /);
});
