/**
 * End to end: the real service (src/service.ts, the same app the CLI runs) with the web remote,
 * around the loopback world (a DHT and a seeder sharing the bundled sample video), driven from
 * real headless Chromium at phone size. The browser is not trusted, so it pairs with the token
 * the service generated, like a phone on the LAN.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { SAMPLE_VIDEO } from '../../src/demo/demo-world.js';
import { openPhoneBrowser } from './browser.js';
import { closesAfter } from '../sim/cleanup.js';

const SERVICE_HOST = '127.5.0.9';
const UI_TIMEOUT_MS = 30_000;

test('pair, add the swarm magnet, watch progress move, play it in the page', async (t) => {
  const own = closesAfter(t);
  const bytes = fs.readFileSync(SAMPLE_VIDEO);
  const fx = await makeFixture({ name: 'sample.mp4', files: [{ name: 'sample.mp4', length: bytes.length }], contents: [bytes], pieceLength: 64 * 1024 });
  // A rate-capped seeder (1.8 MB at 350 KB/s: about 5 s), so progress has to be seen moving.
  const world = own(await startWorld({ fixtures: [fx], rateBytesPerSec: 350_000 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, host: SERVICE_HOST, service: { isTrusted: () => false } }));
  // Dark, as phones mostly are at night: the light scheme is covered by web-remote.test.ts.
  const phone = own(await openPhoneBrowser({ colorScheme: 'dark' }));
  const { page } = phone;
  assert.equal((await page.goto(`${svc.baseUrl}/`))?.status(), 401, 'not paired yet');
  await page.goto(`${svc.baseUrl}/?token=${svc.token}`);
  await page.waitForURL(`${svc.baseUrl}/`);
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });

  await page.getByLabel('Magnet link or infohash').fill(fx.magnet);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const card = page.locator(`li.torrent[data-infohash="${fx.infoHash}"]`);
  await card.waitFor({ timeout: UI_TIMEOUT_MS });

  // Progress as the page shows it, sampled until the download completes.
  const seen: number[] = [];
  const bar = card.getByRole('progressbar');
  const deadline = Date.now() + UI_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const value = Number(await bar.evaluate((el) => (el as HTMLProgressElement).value));
    if (seen.at(-1) !== value) seen.push(value);
    if (value >= 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(seen.at(-1), 1, `download completes in the page (seen ${seen.join(', ')})`);
  const partial = seen.filter((v) => v > 0 && v < 1);
  assert.ok(partial.length >= 2, `progress moved through intermediate values: ${seen.join(', ')}`);
  assert.ok(seen.every((v, i) => i === 0 || v >= seen[i - 1]!), 'progress never goes backwards');
  await card.getByText('sample.mp4').first().waitFor();
  await phone.screenshot('web-remote-world-torrents.png');

  await card.getByRole('button', { name: 'Play here' }).click();
  await page.waitForFunction(() => (document.getElementById('player') as HTMLVideoElement | null)?.readyState! >= 3, undefined, { timeout: UI_TIMEOUT_MS });
  const playing = await page.evaluate(async () => {
    const video = document.getElementById('player') as HTMLVideoElement;
    video.muted = true;
    await video.play();
    await new Promise((r) => setTimeout(r, 600));
    return { time: video.currentTime, width: video.videoWidth, error: video.error?.message ?? null };
  });
  assert.equal(playing.error, null);
  assert.equal(playing.width, 640, 'the decoder saw the real sample video');
  assert.ok(playing.time > 0, `playback advanced (currentTime ${playing.time})`);
  await phone.screenshot('web-remote-world-player.png');

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `nothing sticks out sideways on a phone (${overflow}px)`);

  // Before pairing, the page and the browser's own favicon request are refused: expected.
  const problems = phone.problems.filter((p) => p !== 'http 401 GET /' && p !== 'http 401 GET /favicon.ico');
  assert.deepEqual(problems, [], 'no script errors in the page');
});
