import test from 'node:test';
import assert from 'node:assert/strict';
import { capabilitiesFor, planCast } from '../../../src/server/cast-plan.js';
import type { ProbeResult } from '../../../src/transcode/probe.js';

const h264Mp4: ProbeResult = { container: 'mp4', formatName: 'mov,mp4,m4a,3gp,3g2,mj2', durationSeconds: 20, video: { codec: 'h264', profile: 'High', width: 1280, height: 720, pixFmt: 'yuv420p' }, audio: { codec: 'aac', channels: 2 }, audioTracks: [{ index: 0, codec: 'aac', channels: 2, default: true }], subtitleTracks: [] };
const hevcMkv: ProbeResult = { container: 'matroska', formatName: 'matroska,webm', durationSeconds: 20, video: { codec: 'hevc', width: 1920, height: 1080, pixFmt: 'yuv420p' }, audio: { codec: 'ac3', channels: 6 }, audioTracks: [{ index: 0, codec: 'ac3', channels: 6, default: true }], subtitleTracks: [] };

test('capabilitiesFor: Chromecast by model, DLNA by its sink list, a generic MP4 player when unknown', () => {
  assert.equal(capabilitiesFor({ kind: 'chromecast', model: 'Chromecast Ultra', name: 'TV' }).id, 'chromecast-ultra');
  assert.equal(capabilitiesFor({ kind: 'chromecast', name: 'TV' }).id, 'chromecast');
  const dlna = capabilitiesFor({ kind: 'dlna', name: 'Renderer', sinkProtocols: ['http-get:*:video/x-matroska:*', 'http-get:*:video/mp4:*'] });
  assert.deepEqual(dlna.formats.map((f) => f.container).sort(), ['matroska', 'mp4']);
  assert.deepEqual(capabilitiesFor({ kind: 'dlna', name: 'Bare' }).outputs, ['mp4']);
});

test('planCast: original when the TV plays it, a profiled conversion when not, what was asked for otherwise', () => {
  const cc = capabilitiesFor({ kind: 'chromecast', model: 'Chromecast', name: 'TV' });
  assert.deepEqual(planCast(h264Mp4, cc).transcode, undefined);
  assert.equal(planCast(h264Mp4, cc).decision?.action, 'original');
  const hevc = planCast(hevcMkv, cc);
  assert.equal(hevc.transcode, 'mp4');
  assert.equal(hevc.profile, 'chromecast');
  assert.equal(hevc.decision?.action, 'transcode');
  assert.equal(planCast(hevcMkv, capabilitiesFor({ kind: 'chromecast', model: 'Chromecast Ultra', name: 'TV' })).decision?.video, 'copy', 'Ultra decodes HEVC: only the container/audio change');
  assert.deepEqual(planCast(undefined, cc), {}, 'no probe: send the original');
  assert.deepEqual(planCast(undefined, cc, 'webm'), { transcode: 'webm', profile: 'chromecast' });
  const dlna = planCast(hevcMkv, capabilitiesFor({ kind: 'dlna', name: 'R', sinkProtocols: ['http-get:*:video/mp4:*'] }));
  assert.equal(dlna.transcode, 'mp4');
  assert.equal(dlna.profile, undefined, 'a DLNA renderer has no named profile');
});

test('devices API: a seek in a conversion restarts it with t=, and positions are reported in file time', async () => {
  const { withStartTime, positionInFile } = await import('../../../src/server/devices-api.js');
  assert.equal(withStartTime('http://10.0.0.2:8888/stream/abc/0?st=x&transcode=mp4&device=chromecast', 12.5), 'http://10.0.0.2:8888/stream/abc/0?st=x&transcode=mp4&device=chromecast&t=12.5');
  assert.equal(withStartTime('http://h/stream/a/0?st=x&transcode=mp4&t=3', 40), 'http://h/stream/a/0?st=x&transcode=mp4&t=40');
  const media = { url: 'http://h/s?transcode=mp4', title: 't', contentType: 'video/mp4', durationSeconds: 100 };
  assert.deepEqual(positionInFile({ positionSeconds: 5, durationSeconds: 40 }, { media, offsetSeconds: 60 }), { positionSeconds: 65, durationSeconds: 100 }, 'renderer counting from 0');
  assert.deepEqual(positionInFile({ positionSeconds: 62, durationSeconds: 100 }, { media, offsetSeconds: 60 }), { positionSeconds: 62, durationSeconds: 100 }, 'player honouring timestamps');
  assert.deepEqual(positionInFile({ positionSeconds: 5, durationSeconds: 0 }, { media: { ...media, url: 'http://h/s' }, offsetSeconds: 0 }), { positionSeconds: 5, durationSeconds: 100 });
  assert.deepEqual(positionInFile({ positionSeconds: 5, durationSeconds: 30 }, undefined), { positionSeconds: 5, durationSeconds: 30 });
});
