/**
 * The web remote in real Chromium, on a server whose capacity cannot hold a conversion: the page
 * asks for the HEVC clip's conversion, the server refuses it (503 E_CAPACITY), and the page shows
 * the server's reason instead of a generic "cannot be played".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeClip } from '../sim/clips.js';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';
import { until } from '../sim/wait.js';
import { activeProcesses } from '../../src/transcode/ffmpeg-stream.js';
import { openPhoneBrowser } from './browser.js';

const SERVICE_HOST = '127.210.2.2';

test('a conversion refused for capacity is explained in the web player with the server message', async (t) => {
  const own = closesAfter(t);
  const clip = await makeClip('hevc-ac3-mkv', { seconds: 8 });
  const fx = await makeFixture({ name: clip.name, files: [{ name: clip.name, length: clip.bytes.length }], contents: [clip.bytes], pieceLength: 64 * 1024 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 20, addressBlock: 211, seederBlock: 212 }));
  // Every conversion needs 1.2 cores of a 0.9-core budget.
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, host: SERVICE_HOST, service: { transcode: { queueWaitMs: 200, capacity: { cores: 1, calibrate: async () => 1.2, cpuSecondsOf: () => undefined } } } }));
  const added = await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
  assert.equal(added.status, 201);
  await svc.manager.session(fx.infoHash)!.ready;
  const phone = own(await openPhoneBrowser());
  const { page } = phone;
  const refusals: number[] = [];
  page.on('response', (r) => {
    if (r.url().includes('transcode=')) refusals.push(r.status());
  });
  await page.goto(`${svc.baseUrl}/`);
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: 15_000 });
  await page.locator(`li.torrent[data-infohash="${fx.infoHash}"]`).getByRole('button', { name: 'Play here' }).click();
  const message = page.locator('#player-message');
  await page.waitForFunction(() => /cannot convert this file now/.test(document.getElementById('player-message')?.textContent ?? ''), undefined, { timeout: 20_000 });
  assert.match((await message.textContent()) ?? '', /The server cannot convert this file now: torrent [0-9a-f]{40} file 0: this machine cannot convert another video in real time/);
  assert.ok(refusals.length > 0 && refusals.every((s) => s === 503), `the conversion requests were refused: ${refusals.join(',')}`);
  await phone.screenshot('web-capacity-refused.png');
  assert.deepEqual(phone.problems.filter((p) => !p.includes('503')), [], 'no script errors in the page');
  await until('no ffmpeg', () => activeProcesses() === 0, 5_000);
});
