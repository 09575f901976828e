/**
 * The web remote in real Chromium shows an MKV's embedded SubRip track: the playback answer lists
 * it, the page adds it as a <track> (same origin, shown), and the cue is active on screen at its
 * time while the torrent is still downloading.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIP_SUBTITLES, makeClip } from '../sim/clips.js';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';
import { until } from '../sim/wait.js';
import { activeProcesses } from '../../src/transcode/ffmpeg-stream.js';
import { openPhoneBrowser } from './browser.js';

const SERVICE_HOST = '127.193.0.3';
const CUE = CLIP_SUBTITLES[0];

test('an embedded SRT cue reaches the web player: a <track>, shown at its time', async (t) => {
  const own = closesAfter(t);
  const clip = await makeClip('h264-srt-mkv', { seconds: 20 });
  const fx = await makeFixture({ name: clip.name, files: [{ name: clip.name, length: clip.bytes.length }], contents: [clip.bytes], pieceLength: 16 * 1024 });
  // About 15 s for the whole file, so the page plays (and shows the cue) while it downloads.
  const world = own(await startWorld({ fixtures: [fx], rateBytesPerSec: Math.round(clip.bytes.length / 15), dhtSize: 30, addressBlock: 198, seederBlock: 199 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, host: SERVICE_HOST, service: { mediaServer: { advertise: false, probeInBackground: false } } }));
  const added = await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
  assert.equal(added.status, 201);
  const session = svc.manager.session(fx.infoHash)!;
  await session.ready;
  const phone = own(await openPhoneBrowser());
  const { page } = phone;
  await page.goto(`${svc.baseUrl}/`);
  await page.locator(`li.torrent[data-infohash="${fx.infoHash}"]`).getByRole('button', { name: 'Play here' }).click();
  const track = page.locator('#player track');
  await track.waitFor({ state: 'attached', timeout: 15_000 });
  assert.equal(await track.getAttribute('data-src'), `/stream/${fx.infoHash}/0?format=vtt&track=0`, 'fed by the page from the track URL');
  assert.equal(await track.getAttribute('srclang'), 'en');
  assert.equal(await track.getAttribute('label'), 'English');

  // Muted, so autoplay is never refused; the cue must be active once playback passes its start.
  await page.evaluate(() => {
    const v = document.getElementById('player') as HTMLVideoElement;
    v.muted = true;
    void v.play();
  });
  const seen = await page.waitForFunction(
    (text) => {
      const v = document.getElementById('player') as HTMLVideoElement;
      const tt = v.textTracks[0];
      const active = tt?.activeCues ? [...tt.activeCues].map((c) => (c as VTTCue).text) : [];
      return active.includes(text) ? { time: v.currentTime, mode: tt!.mode, start: (tt!.activeCues![0] as VTTCue).startTime, end: (tt!.activeCues![0] as VTTCue).endTime } : false;
    },
    CUE.text,
    { timeout: 20_000, polling: 100 },
  );
  const shown = (await seen.jsonValue()) as { time: number; mode: string; start: number; end: number };
  const downloaded = session.status().downloaded;
  t.diagnostic(`cue shown at ${shown.time.toFixed(2)} s, with ${downloaded} of ${fx.content.length} bytes downloaded`);
  assert.equal(shown.mode, 'showing');
  assert.ok(Math.abs(shown.start - CUE.start) < 0.1 && Math.abs(shown.end - CUE.end) < 0.1, `cue ${shown.start}..${shown.end}`);
  assert.ok(shown.time >= CUE.start && shown.time <= CUE.end, `active at ${shown.time}`);
  assert.ok(downloaded < fx.content.length, 'shown before the download completed');
  await phone.screenshot('web-subtitles-player.png');
  // The page's own menu (the browser's goes with its controls when a conversion has the page's bar).
  const menu = page.getByLabel('Subtitles');
  assert.equal(await menu.inputValue(), '0');
  assert.deepEqual(await menu.locator('option').allTextContents(), ['Off', 'English (en)']);
  await menu.selectOption('-1');
  assert.equal(await page.evaluate(() => (document.getElementById('player') as HTMLVideoElement).textTracks[0]!.mode), 'disabled');
  await menu.selectOption('0');
  assert.equal(await page.evaluate(() => (document.getElementById('player') as HTMLVideoElement).textTracks[0]!.mode), 'showing');
  await page.getByRole('button', { name: 'Close player' }).click();
  assert.deepEqual(phone.problems, [], 'no script or HTTP errors in the page');
  await until('the extraction ended with the player', () => activeProcesses() === 0, 5_000);
});
