/**
 * Casting picks the conversion per device (issue 5): an HEVC/AC-3 MKV cast to a 1st-3rd gen
 * Chromecast gets `?transcode=mp4&device=chromecast`, the TV receives H.264/AAC MP4 bytes, the
 * decision is an event, a seek restarts the conversion at the new time (a new LOAD with t=), the
 * position is reported in file time, and no ffmpeg outlives the streams it served.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeClip } from '../sim/clips.js';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { activeProcesses } from '../../src/transcode/ffmpeg-stream.js';
import { until } from '../sim/wait.js';
import { startFakeChromecast } from '@torrent-live/casting/testing';
import { closesAfter } from '../sim/cleanup.js';

test('an HEVC/AC-3 MKV cast to a Chromecast is converted for it; a seek restarts the conversion at t', async (t) => {
  const own = closesAfter(t);
  const clip = await makeClip('hevc-ac3-mkv', { seconds: 12 });
  const tv = own(await startFakeChromecast({ host: '127.40.0.41', name: 'Convert Me TV' }));
  const fx = await makeFixture({ name: clip.name, files: [{ name: clip.name, length: clip.bytes.length }], contents: [clip.bytes] });
  const world = own(await startWorld({ fixtures: [fx] }));
  const storeDir = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cast-transcode-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, storeDir, service: { tvs: { searchIntervalMs: 500 } } }));
  const discovery = svc.discovery!;
  const post = async (route: string, body: unknown) => {
    const res = await fetch(`${svc.baseUrl}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  await svc.manager.add(fx.infoHash);
  await svc.manager.session(fx.infoHash)!.ready;
  const device = await discovery.waitFor('Convert Me TV', 10_000);

  const cast = await post('/api/cast', { deviceId: device.id, infoHash: fx.infoHash, fileIndex: 0 });
  assert.equal(cast.status, 200, JSON.stringify(cast.json));
  const media = cast.json['media'] as { url: string; contentType: string };
  assert.match(media.url, /\?st=[0-9a-f]+&transcode=mp4&device=chromecast$/);
  assert.equal(media.contentType, 'video/mp4');
  const decision = svc.events.find((e) => e.event === 'transcode' && e.device === 'Convert Me TV');
  assert.ok(decision && decision.event === 'transcode');
  assert.equal(decision.action, 'transcode');
  assert.equal(decision.video, 'h264');
  assert.match(decision.reason, /hevc/);
  await until('the TV receiving converted bytes', () => tv.fetchedBytes() > 20_000 && tv.state.playerState === 'PLAYING');
  assert.ok(activeProcesses() >= 1, 'an ffmpeg serves the TV');

  const seek = await post(`/api/devices/${encodeURIComponent(device.id)}/seek`, { seconds: 6 });
  assert.equal(seek.status, 200, JSON.stringify(seek.json));
  await until('a new LOAD at t=6', () => /&t=6$/.test(tv.state.contentId ?? ''));
  const loads = tv.received.filter((m) => m.data['type'] === 'LOAD');
  assert.equal(loads.length, 2, 'the seek reloaded the conversion instead of a byte seek');
  assert.equal(tv.received.some((m) => m.data['type'] === 'SEEK'), false);
  await until('playing again', () => tv.state.playerState === 'PLAYING');
  const status = (await (await fetch(`${svc.baseUrl}/api/devices/${encodeURIComponent(device.id)}/status`)).json()) as { positionSeconds: number; durationSeconds: number };
  assert.ok(status.positionSeconds >= 6, `position in file time: ${status.positionSeconds}`);
  assert.ok(Math.abs(status.durationSeconds - 12) < 1, `the real duration: ${status.durationSeconds}`);

  await post(`/api/devices/${encodeURIComponent(device.id)}/stop`, {});
  await until('no ffmpeg left once the TV stopped', () => activeProcesses() === 0, 10_000);
});
