/**
 * End to end, cast from the phone page: the real service with everything the CLI mounts
 * (src/lan.ts: discovery, devices API, cast plan, DLNA headers), the loopback world sharing the
 * sample video, real headless Chromium at phone size, and a fake Chromecast (castv2 over TLS,
 * mDNS on loopback) that fetches the URL it is given. Pause, seek and volume from the page must
 * change the TV's own state, and the page must show what the TV reports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { SAMPLE_VIDEO } from '../../src/demo/demo-world.js';
import { startFakeChromecast } from '@torrent-live/casting/testing';
import { openPhoneBrowser } from './browser.js';
import { until } from '../sim/wait.js';
import { closesAfter } from '../sim/cleanup.js';
import { requireTool } from '../sim/require-tool.js';

const SERVICE_HOST = '127.0.0.1';
const UI_TIMEOUT_MS = 30_000;

test('cast from the page to a Chromecast: it fetches the stream; pause, seek, volume and stop reach it', async (t) => {
  requireTool('ffprobe'); // the probe before the cast
  const own = closesAfter(t);
  const tv = own(await startFakeChromecast({ host: '127.40.0.31', name: 'Phone Test TV' }));
  const bytes = fs.readFileSync(SAMPLE_VIDEO);
  const fx = await makeFixture({ name: 'sample.mp4', files: [{ name: 'sample.mp4', length: bytes.length }], contents: [bytes], pieceLength: 64 * 1024 });
  const world = own(await startWorld({ fixtures: [fx] }));
  const storeDir = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-webcast-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  // Only 127.0.0.1 is "this machine": the browser (on 127.0.0.1 too) must still pair, so the
  // pairing path is what runs; the TV on 127.40.0.31 gets the per-stream token.
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, host: SERVICE_HOST, storeDir, service: { tvs: { searchIntervalMs: 500 }, isTrusted: () => false } }));
  const phone = own(await openPhoneBrowser());
  const { page } = phone;
  await page.goto(`${svc.baseUrl}/?token=${svc.token}`);
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: UI_TIMEOUT_MS });
  await page.getByLabel('Magnet link or infohash').fill(fx.magnet);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  const card = page.locator(`li.torrent[data-infohash="${fx.infoHash}"]`);
  await card.locator('li[data-file-index="0"]').waitFor({ timeout: UI_TIMEOUT_MS });

  await card.locator('li[data-file-index="0"]').getByRole('button', { name: 'Cast to TV' }).click();
  await page.getByRole('radio', { name: /Phone Test TV/ }).check({ timeout: UI_TIMEOUT_MS });
  await until('the TV playing and fetching the stream', () => tv.state.playerState === 'PLAYING' && tv.fetchedBytes() > 0);
  assert.match(tv.state.contentId ?? '', new RegExp(`/stream/${fx.infoHash}/0\\?st=[0-9a-f]+$`), 'the TV got the tokenised URL');
  await page.getByRole('button', { name: 'Pause' }).waitFor({ timeout: UI_TIMEOUT_MS });
  await page.locator('#remote-now').filter({ hasText: /Phone Test TV: playing/ }).waitFor({ timeout: UI_TIMEOUT_MS });
  // The probe made for the cast also gives DLNA clients the file's duration.
  const cd = 'urn:schemas-upnp-org:service:ContentDirectory:1';
  const browse = await fetch(`${svc.baseUrl}/dlna/control/ContentDirectory`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset="utf-8"', soapaction: `"${cd}#Browse"` },
    body: `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:Browse xmlns:u="${cd}"><ObjectID>t:${fx.infoHash}</ObjectID><BrowseFlag>BrowseDirectChildren</BrowseFlag><Filter>*</Filter><StartingIndex>0</StartingIndex><RequestedCount>0</RequestedCount><SortCriteria></SortCriteria></u:Browse></s:Body></s:Envelope>`,
  });
  assert.match(await browse.text(), /duration=&quot;0:00:30(\.0+)?&quot;|duration="0:00:30/, 'the DIDL res carries the probed 30 s');

  await page.locator('#remote-playpause').click();
  await until('the TV paused', () => tv.state.playerState === 'PAUSED');
  await page.getByRole('button', { name: 'Play' }).waitFor({ timeout: UI_TIMEOUT_MS });

  await page.getByLabel('Position').fill('12');
  await until('the TV seeked', () => tv.received.some((m) => m.data['type'] === 'SEEK' && m.data['currentTime'] === 12));
  await page.locator('#remote-position').filter({ hasText: /0:12 \/ 0:30/ }).waitFor({ timeout: UI_TIMEOUT_MS });

  await page.getByLabel('Volume').fill('30');
  await until('the TV volume', () => Math.abs(tv.state.volume - 0.3) < 0.01);

  await page.locator('#remote-playpause').click();
  await until('the TV playing again', () => tv.state.playerState === 'PLAYING');
  await phone.screenshot('web-cast-chromecast.png');

  await page.getByRole('button', { name: 'Stop' }).click();
  await until('the TV stopped', () => tv.state.playerState === 'IDLE');
  await page.locator('#remote-now').filter({ hasText: /stopped/ }).waitFor({ timeout: UI_TIMEOUT_MS });
  const problems = phone.problems.filter((p) => !p.startsWith('http 401'));
  assert.deepEqual(problems, [], 'no script errors in the page');
});
