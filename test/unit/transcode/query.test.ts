import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTranscodeQuery } from '../../../src/transcode/query.js';
import { defaultFfprobePath, decisionHeader } from '../../../src/transcode/transcode-route.js';

const devices = ['browser', 'chromecast'];

test('transcode, t and device are checked', () => {
  assert.deepEqual(parseTranscodeQuery({ transcode: 'mp4' }, devices), { ok: true, value: { container: 'mp4', startSeconds: 0, device: 'browser' } });
  assert.deepEqual(parseTranscodeQuery({ transcode: 'webm', t: '90.5', device: 'chromecast' }, devices), { ok: true, value: { container: 'webm', startSeconds: 90.5, device: 'chromecast' } });
  for (const q of [{ transcode: 'avi' }, { transcode: ['mp4', 'webm'] }, {}, { transcode: 'mp4', t: '-1' }, { transcode: 'mp4', t: '1e3' }, { transcode: 'mp4', t: '' }, { transcode: 'mp4', t: ['1', '2'] }, { transcode: 'mp4', t: '9999999' }, { transcode: 'mp4', device: 'toaster' }]) {
    const r = parseTranscodeQuery(q, devices);
    assert.equal(r.ok, false, JSON.stringify(q));
  }
  const bad = parseTranscodeQuery({ transcode: 'mp4', t: 'soon' }, devices);
  assert.ok(!bad.ok && /t=soon is not a time/.test(bad.message));
});

test('ffprobe sits next to a given ffmpeg; the decision header is compact', () => {
  assert.equal(defaultFfprobePath('ffmpeg'), 'ffprobe');
  assert.equal(defaultFfprobePath('/opt/ff/bin/ffmpeg'), '/opt/ff/bin/ffprobe');
  assert.equal(defaultFfprobePath('/opt/ff/ffmpeg-6.1'), '/opt/ff/ffprobe-6.1');
  assert.equal(decisionHeader({ action: 'transcode', container: 'mp4', video: 'h264', audio: 'copy', reason: 'x', scaleHeight: 720 }), 'transcode; container=mp4; video=h264; audio=copy; height=720');
});
