/**
 * Conversions sized to the machine, through the real service and real ffmpeg: the hardware
 * encoders' test encodes find none here and libx264 is chosen; a conversion carries its ladder
 * rung; with two running, a third is refused with 503 E_CAPACITY and a message saying why (the
 * two are not disturbed), and a new one is admitted once one ends. The capacity is injected for
 * the refusal (small clips cost too little to fill two cores) and measured for real in the other
 * test (calibration encode, CPU time of the running ffmpeg).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeClip } from '../sim/clips.js';
import { makeFixture, type TorrentFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService, type TestService } from '../sim/service.js';
import { activeProcesses } from '../../src/transcode/ffmpeg-stream.js';
import { closesAfter } from '../sim/cleanup.js';
import type { TranscoderStatus } from '../../src/transcode/transcode-route.js';
import { startFakeChromecast } from '@torrent-live/casting/testing';

async function fixture(): Promise<TorrentFixture> {
  const clip = await makeClip('hevc-ac3-mkv', { seconds: 20 });
  return makeFixture({ name: clip.name, files: [{ name: clip.name, length: clip.bytes.length }], contents: [clip.bytes], pieceLength: 16 * 1024 });
}

async function add(svc: TestService, fx: TorrentFixture): Promise<void> {
  const res = await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
  assert.equal(res.status, 201);
  await svc.manager.session(fx.infoHash)!.ready;
}

/** A conversion whose first bytes arrived and whose reader then stops: ffmpeg stays alive. */
async function open(url: string): Promise<{ res: Response; stop: () => Promise<void> }> {
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  assert.equal(res.status, 200, await (res.status === 200 ? Promise.resolve('') : res.clone().text()));
  const reader = res.body!.getReader();
  const first = await reader.read();
  assert.ok(first.value && first.value.length > 0);
  return { res, stop: async () => (abort.abort(), await reader.cancel().catch(() => undefined)) };
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

test('with two conversions holding the capacity, a third is refused with 503 E_CAPACITY and why; one more fits once one ends', async (t) => {
  const own = closesAfter(t);
  const fx = await fixture();
  // Slow seeding keeps the conversions waiting for pieces, so they are still running when asked.
  const world = own(await startWorld({ fixtures: [fx], rateBytesPerSec: 100 * 1024, dhtSize: 30 }));
  const calibrated: string[] = [];
  const svc = own(await startService({
    bootstrap: world.dht.bootstrap,
    // Two at 0.4 cores take 0.8 of the 0.9 budget.
    service: { transcode: { queueWaitMs: 300, graceMs: 1000, capacity: { cores: 1, calibrate: async (k) => (calibrated.push(k.rung.id), 0.4), cpuSecondsOf: () => undefined } } },
  }));
  await add(svc, fx);
  const url = `${svc.baseUrl}/stream/${fx.infoHash}/0?transcode=mp4`;
  const a = await open(url);
  const b = await open(`${url}&t=5`);
  assert.equal(a.res.headers.get('x-transcode-rung'), '240p-veryfast; encoder=libx264');
  assert.equal(b.res.headers.get('x-transcode-rung'), '240p-veryfast; encoder=libx264');
  assert.ok(calibrated.every((r) => r === '240p-veryfast'), 'only the rung that fit was measured');
  assert.equal(activeProcesses(), 2);

  const refused = await fetch(`${url}&t=8`);
  assert.equal(refused.status, 503);
  assert.equal(refused.headers.get('retry-after'), '10');
  const body = (await refused.json()) as { error: { code: string; message: string; hint: string } };
  assert.equal(body.error.code, 'E_CAPACITY');
  assert.match(body.error.message, /cannot convert another video in real time: 2 conversions already use its 1-core capacity, and even at 240p \(ultrafast\) this one needs 0\.40 cores where 0\.10 are free/);
  assert.match(body.error.hint, /stop another converted stream/);
  assert.equal(activeProcesses(), 2, 'the refusal started no ffmpeg and stopped none');
  const status = (await (await fetch(`${svc.baseUrl}/api/transcoder`)).json()) as TranscoderStatus;
  assert.equal(status.conversions.length, 2);
  assert.equal(status.budgetCores, 0.9);

  // A copy (remux) is not a video encode: it is not held to the capacity.
  const copy = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0?transcode=mp4&device=chromecast-ultra`, { method: 'HEAD' });
  assert.equal(copy.status, 200);

  await a.stop();
  assert.ok(await waitFor(() => activeProcesses() === 1, 5000));
  const c = await open(`${url}&t=10`);
  assert.equal(activeProcesses(), 2);
  await c.stop();
  await b.stop();
  assert.ok(await waitFor(() => activeProcesses() === 0, 5000), 'no ffmpeg left');
});

test('the test encodes find no hardware encoder here; libx264 is chosen, and a conversion is calibrated and measured for real', async (t) => {
  const own = closesAfter(t);
  const fx = await fixture();
  const world = own(await startWorld({ fixtures: [fx], rateBytesPerSec: 100 * 1024, dhtSize: 30 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, service: { transcode: { graceMs: 1000 } } }));
  await add(svc, fx);
  const idle = (await (await fetch(`${svc.baseUrl}/api/transcoder`)).json()) as TranscoderStatus;
  assert.equal(idle.encoder, 'libx264');
  assert.deepEqual(idle.hardwareTests.map((h) => [h.encoder, h.ok]), [['h264_nvenc', false], ['h264_qsv', false], ['h264_vaapi', false]]);
  assert.ok(idle.hardwareTests.every((h) => h.detail.length > 0), 'each failure says why');
  assert.match(idle.encoderReason, /no hardware encoder works here/);
  assert.deepEqual(idle.conversions, []);

  // Read on while the torrent trickles in: the conversion follows the download for several seconds.
  const res = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0?transcode=mp4`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('x-transcode-rung') ?? '', /^240p-veryfast; encoder=libx264$/);
  const reading = res.arrayBuffer();
  const seen: TranscoderStatus['conversions'][] = [];
  for (;;) {
    const s = (await (await fetch(`${svc.baseUrl}/api/transcoder`)).json()) as TranscoderStatus;
    seen.push(s.conversions);
    if (s.conversions.length === 0 || s.conversions[0]!.measured) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const predicted = seen[0]![0]!;
  assert.ok(predicted.cost > 0 && predicted.cost < idle.budgetCores, `a calibrated prediction: ${JSON.stringify(predicted)}`);
  const measured = seen.at(-1)![0];
  assert.ok(measured?.measured, `the running ffmpeg was measured (CPU time against progress) before it ended: ${JSON.stringify(seen.map((c) => c[0]))}`);
  assert.ok(measured.cost > 0 && measured.cost < 2, `a plausible cost for a 240p encode: ${measured.cost}`);
  await reading;
  assert.ok(await waitFor(() => activeProcesses() === 0, 5000), 'no ffmpeg left');
});

test('a cast that needs a conversion the machine cannot hold is refused at once with E_CAPACITY, before the TV is sent a URL', async (t) => {
  const own = closesAfter(t);
  const fx = await fixture();
  const tv = own(await startFakeChromecast({ host: '127.210.0.41', name: 'Full Machine TV' }));
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 20 }));
  // One conversion needs 1.2 cores of a machine whose budget is 0.9: nothing fits.
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, service: { tvs: { searchIntervalMs: 500 }, transcode: { capacity: { cores: 1, calibrate: async () => 1.2, cpuSecondsOf: () => undefined } } } }));
  await add(svc, fx);
  const device = await svc.discovery!.waitFor('Full Machine TV', 10_000);
  const res = await fetch(`${svc.baseUrl}/api/cast`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deviceId: device.id, infoHash: fx.infoHash, fileIndex: 0 }) });
  assert.equal(res.status, 503);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'E_CAPACITY');
  assert.match(body.error.message, /cannot cast torrent [0-9a-f]{40} file 0 to Full Machine TV: it needs a video conversion, and this machine cannot convert another video in real time/);
  assert.equal(tv.received.filter((m) => m.data['type'] === 'LOAD').length, 0, 'the TV was not sent a URL it would fail on');
  assert.equal(activeProcesses(), 0);
});
