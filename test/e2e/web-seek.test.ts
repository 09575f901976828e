/**
 * Seeking a conversion in the web remote, in real Chromium: an HEVC/AC-3 MKV (converted to
 * H.264/AAC on the fly) gets the page's own seek bar with the file's real length (not a length
 * growing with the buffer), and a seek to 40 s restarts the conversion there (`&t=40`) and lands
 * within 1 s of 40 s.
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

const SERVICE_HOST = '127.193.0.5';
const SECONDS = 60;
const TARGET = 40;

test('a converted HEVC file: the page\'s seek bar has the real length and a seek to 40 s lands within 1 s', async (t) => {
  const own = closesAfter(t);
  const clip = await makeClip('hevc-ac3-mkv', { seconds: SECONDS });
  const fx = await makeFixture({ name: clip.name, files: [{ name: clip.name, length: clip.bytes.length }], contents: [clip.bytes], pieceLength: 64 * 1024 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 30, addressBlock: 190, seederBlock: 193 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, host: SERVICE_HOST, service: { mediaServer: { advertise: false, probeInBackground: false } } }));
  const added = await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
  assert.equal(added.status, 201);
  await svc.manager.session(fx.infoHash)!.ready;
  const phone = own(await openPhoneBrowser());
  const { page } = phone;
  await page.goto(`${svc.baseUrl}/`);
  await page.locator(`li.torrent[data-infohash="${fx.infoHash}"]`).getByRole('button', { name: 'Play here' }).click();

  const bar = page.getByLabel('Seek');
  await bar.waitFor({ timeout: 15_000 });
  const player = page.locator('#player');
  assert.equal(await player.getAttribute('src'), `/stream/${fx.infoHash}/0?transcode=mp4&device=browser`);
  assert.equal(await player.evaluate((v) => (v as HTMLVideoElement).controls), false, 'the browser\'s own bar (a length growing with the buffer) is off');
  const max = Number(await bar.getAttribute('max'));
  assert.ok(Math.abs(max - SECONDS) < 0.5, `the bar spans the whole file: ${max} s`);
  await page.waitForFunction(() => (document.getElementById('player') as HTMLVideoElement).currentTime > 0.5, undefined, { timeout: 15_000 });
  assert.match((await page.locator('#player-time').textContent()) ?? '', /\/ 1:00$/);

  const started = Date.now();
  await bar.fill(String(TARGET));
  await page.waitForFunction((target) => {
    const v = document.getElementById('player') as HTMLVideoElement;
    return (v.getAttribute('src') ?? '').endsWith(`&t=${target}`) && v.readyState >= 3 && !v.paused && v.currentTime > 0;
  }, TARGET, { timeout: 15_000, polling: 20 });
  const landed = await player.evaluate((v) => (v as HTMLVideoElement).currentTime);
  const seekMs = Date.now() - started;
  t.diagnostic(`seek to ${TARGET} s: playing at ${landed.toFixed(3)} s (error ${Math.abs(landed - TARGET).toFixed(3)} s) after ${seekMs} ms`);
  assert.ok(Math.abs(landed - TARGET) < 1, `landed at ${landed}, wanted ${TARGET} within 1 s`);
  await page.waitForFunction((target) => Number((document.getElementById('player-seek') as HTMLInputElement).value) >= target, TARGET, { timeout: 5_000 });
  assert.match((await page.locator('#player-time').textContent()) ?? '', /^0:4\d \/ 1:00$/, 'the bar follows in file time, the length unchanged');
  await phone.screenshot('web-seek-player.png');

  await page.getByRole('button', { name: 'Close player' }).click();
  assert.deepEqual(phone.problems, [], 'no script or HTTP errors in the page');
  await until('no ffmpeg left after the player closed', () => activeProcesses() === 0, 5_000);
});
