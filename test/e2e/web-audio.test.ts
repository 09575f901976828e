/**
 * The web remote in real Chromium plays H.264 MKVs whose sound is AC-3 or DTS with sound: the page
 * reports what its browser decodes, the server's playback decision answers with an audio-only
 * conversion (the picture copied, the sound to AAC), and the <video> element decodes audio bytes
 * within 3 s of the tap on "Play here". Before this, Chromium played the picture in silence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeClip, type ClipKind } from '../sim/clips.js';
import { makeFixture, type TorrentFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';
import { until } from '../sim/wait.js';
import { activeProcesses } from '../../src/transcode/ffmpeg-stream.js';
import { openPhoneBrowser } from './browser.js';

const SERVICE_HOST = '127.193.0.2';
const SOUND_WITHIN_MS = 3_000;

async function clipTorrent(kind: ClipKind): Promise<TorrentFixture> {
  const clip = await makeClip(kind, { seconds: 20 });
  return makeFixture({ name: clip.name, files: [{ name: clip.name, length: clip.bytes.length }], contents: [clip.bytes], pieceLength: 64 * 1024 });
}

test('AC-3 and DTS in MKV play with sound in the web remote: audio decoded within 3 s', async (t) => {
  const own = closesAfter(t);
  const clips = [['h264-ac3-mkv', 'AC3'], ['h264-dts-mkv', 'DTS']] as const;
  const fixtures = await Promise.all(clips.map(([kind]) => clipTorrent(kind)));
  const world = own(await startWorld({ fixtures, dhtSize: 30, addressBlock: 194, seederBlock: 195 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, host: SERVICE_HOST }));
  for (const fx of fixtures) {
    const added = await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
    assert.equal(added.status, 201);
    await svc.manager.session(fx.infoHash)!.ready;
  }
  const phone = own(await openPhoneBrowser());
  const { page } = phone;
  const decisions = new Map<string, string>();
  page.on('response', (r) => {
    const d = r.headers()['x-transcode-decision'];
    if (d) decisions.set(new URL(r.url()).pathname, d);
  });
  await page.goto(`${svc.baseUrl}/`);
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: 15_000 });

  const report: string[] = [];
  for (const [i, [, codec]] of clips.entries()) {
    const fx = fixtures[i]!;
    const play = page.locator(`li.torrent[data-infohash="${fx.infoHash}"]`).getByRole('button', { name: 'Play here' });
    await play.waitFor({ timeout: 15_000 });
    const started = Date.now();
    await play.click();
    await page.waitForFunction(() => ((document.getElementById('player') as HTMLVideoElement & { webkitAudioDecodedByteCount?: number }).webkitAudioDecodedByteCount ?? 0) > 0, undefined, { timeout: 15_000, polling: 50 });
    const soundMs = Date.now() - started;
    const state = await page.evaluate(() => {
      const v = document.getElementById('player') as HTMLVideoElement & { webkitAudioDecodedByteCount?: number; webkitVideoDecodedByteCount?: number };
      return { src: v.getAttribute('src'), audio: v.webkitAudioDecodedByteCount ?? 0, video: v.webkitVideoDecodedByteCount ?? 0, muted: v.muted, message: document.getElementById('player-message')?.textContent ?? '' };
    });
    report.push(`${codec}: sound after ${soundMs} ms (${state.audio} audio bytes decoded)`);
    assert.equal(state.src, `/stream/${fx.infoHash}/0?transcode=mp4&device=browser`, codec);
    assert.equal(decisions.get(`/stream/${fx.infoHash}/0`), 'transcode; container=mp4; video=copy; audio=aac', `${codec}: an audio-only conversion`);
    assert.ok(state.video > 0, `${codec}: the picture plays too`);
    assert.equal(state.muted, false);
    assert.match(state.message, new RegExp(`cannot decode the ${codec} sound`), `${codec}: the page says why`);
    assert.ok(soundMs <= SOUND_WITHIN_MS, `${codec}: sound within ${SOUND_WITHIN_MS} ms, took ${soundMs} ms`);
    await page.getByRole('button', { name: 'Close player' }).click();
  }
  t.diagnostic(report.join('; '));
  await phone.screenshot('web-audio-player.png');
  assert.deepEqual(phone.problems, [], 'no script or HTTP errors in the page');
  await until('ffmpeg gone after the player closed', () => activeProcesses() === 0, 5_000);
});
