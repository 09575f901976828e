import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, decideWithoutProbe } from '../../../src/transcode/decide.js';
import { DEVICE_PROFILES, capabilitiesFromProtocolInfo } from '../../../src/transcode/capabilities.js';
import type { ProbeResult } from '../../../src/transcode/probe.js';

const browser = DEVICE_PROFILES['browser']!;
const chromecast = DEVICE_PROFILES['chromecast']!;
const ultra = DEVICE_PROFILES['chromecast-ultra']!;

function file(container: ProbeResult['container'], video?: Partial<NonNullable<ProbeResult['video']>> & { codec: string }, audio?: string): Pick<ProbeResult, 'container' | 'video' | 'audio'> {
  return {
    container,
    ...(video ? { video: { width: 1280, height: 720, pixFmt: 'yuv420p', ...video } } : {}),
    ...(audio ? { audio: { codec: audio, channels: 2 } } : {}),
  };
}

test('an H.264/AAC MP4 plays as is; asked as WebM it is transcoded to VP8/Opus', () => {
  const mp4 = file('mp4', { codec: 'h264', profile: 'High' }, 'aac');
  assert.equal(decide(mp4, browser).action, 'original');
  // Asked as MP4 anyway, ffmpeg still rewrites the container: a remux, and said so.
  assert.deepEqual({ ...decide(mp4, browser, { container: 'mp4' }), reason: '' }, { action: 'remux', container: 'mp4', video: 'copy', audio: 'copy', reason: '' });
  const webm = decide(mp4, browser, { container: 'webm' });
  assert.equal(webm.action, 'transcode');
  assert.equal(webm.video, 'vp8');
  assert.equal(webm.audio, 'opus');
  assert.match(webm.reason, /h264 video or aac audio in webm/);
});

test('H.264/AAC in Matroska is only remuxed for the browser', () => {
  const d = decide(file('matroska', { codec: 'h264' }, 'aac'), browser, { container: 'mp4' });
  assert.equal(d.action, 'remux');
  assert.equal(d.video, 'copy');
  assert.equal(d.audio, 'copy');
  assert.match(d.reason, /does not play matroska files; copying the streams into mp4/);
});

test('HEVC with AC-3: video and audio converted for a 1st-3rd gen Chromecast; an Ultra keeps the HEVC', () => {
  const mkv = file('matroska', { codec: 'hevc', profile: 'Main' }, 'ac3');
  const old = decide(mkv, chromecast);
  assert.deepEqual([old.action, old.container, old.video, old.audio], ['transcode', 'mp4', 'h264', 'aac']);
  assert.match(old.reason, /cannot play hevc video or ac3 audio/);
  const u = decide(mkv, ultra);
  assert.deepEqual([u.action, u.video, u.audio], ['transcode', 'copy', 'aac']);
  assert.match(u.reason, /copying video/);
});

test('10-bit H.264 and 4K H.264 are re-encoded for a 1080p Chromecast, 4K scaled down', () => {
  const tenBit = decide(file('mp4', { codec: 'h264', profile: 'High 10', pixFmt: 'yuv420p10le' }, 'aac'), chromecast);
  assert.deepEqual([tenBit.action, tenBit.video, tenBit.audio], ['transcode', 'h264', 'copy']);
  assert.equal(tenBit.scaleHeight, undefined);
  const uhd = decide(file('mp4', { codec: 'h264', width: 3840, height: 2160 }, 'aac'), chromecast);
  assert.equal(uhd.video, 'h264');
  assert.equal(uhd.scaleHeight, 1080);
  assert.match(uhd.reason, /3840x2160/);
  const wide = decide(file('matroska', { codec: 'hevc', width: 3840, height: 1600 }), chromecast, { container: 'mp4' });
  assert.equal(wide.scaleHeight, 800, 'width-limited: 1920 wide keeps the aspect ratio');
  assert.equal(wide.audio, 'none');
});

test('AVI (MPEG-4 Part 2 + MP3): the browser gets H.264 and keeps the MP3; WebM for an Ultra uses VP9', () => {
  const avi = file('avi', { codec: 'mpeg4' }, 'mp3');
  const d = decide(avi, browser, { container: 'mp4' });
  assert.deepEqual([d.action, d.video, d.audio], ['transcode', 'h264', 'copy']);
  const w = decide(avi, ultra, { container: 'webm' });
  assert.deepEqual([w.video, w.audio], ['vp9', 'opus']);
});

test('a DLNA TV that lists AVI plays the AVI as is; one that lists only MP4 gets it converted', () => {
  const tv = capabilitiesFromProtocolInfo('http-get:*:video/avi:*,http-get:*:video/mp4:DLNA.ORG_PN=AVC_MP4_HP_HD_AAC,http-get:*:video/x-matroska:*');
  const avi = file('avi', { codec: 'mpeg4' }, 'mp3');
  const asIs = decide(avi, tv);
  assert.equal(asIs.action, 'original');
  assert.match(asIs.reason, /plays avi/);
  assert.equal(decide(avi, tv, { container: 'mp4' }).action, 'transcode', 'an explicit mp4 wish is honoured');
  const mp4Only = decide(avi, capabilitiesFromProtocolInfo('http-get:*:video/mp4:DLNA.ORG_PN=AVC_MP4_BL_CIF15_AAC_520'));
  assert.deepEqual([mp4Only.action, mp4Only.video, mp4Only.audio, mp4Only.scaleHeight], ['transcode', 'h264', 'aac', 198], 'CIF is 352 wide: 1280x720 scales to 352x198');
  assert.equal(decide(file('matroska', { codec: 'h264' }, 'ac3'), tv).action, 'original');
  const mkv = decide(file('matroska', { codec: 'h264' }, 'dts'), tv);
  assert.equal(mkv.action, 'transcode');
  assert.equal(mkv.video, 'copy');
  assert.equal(mkv.audio, 'aac');
});

test('a device with no WebM format still gets WebM when asked, with our own encoders', () => {
  const tv = capabilitiesFromProtocolInfo('http-get:*:video/mp4:*');
  const d = decide(file('mp4', { codec: 'h264' }, 'aac'), tv, { container: 'webm' });
  assert.deepEqual([d.action, d.container, d.video, d.audio], ['transcode', 'webm', 'vp8', 'opus']);
  const vp8 = decide(file('webm', { codec: 'vp8' }, 'opus'), tv, { container: 'webm' });
  assert.equal(vp8.action, 'remux');
  assert.match(vp8.reason, /lists no webm/);
});

test('without a probe everything is converted, and the reason says why', () => {
  const d = decideWithoutProbe(browser, 'webm', 'ffprobe timed out');
  assert.deepEqual([d.action, d.video, d.audio], ['transcode', 'vp8', 'opus']);
  assert.match(d.reason, /ffprobe timed out/);
});

test('burning a picture subtitle in turns a copy into a conversion and says so', async () => {
  const { withBurnIn } = await import('../../../src/transcode/decide.js');
  const copy = { action: 'remux' as const, container: 'mp4' as const, video: 'copy' as const, audio: 'copy' as const, reason: 'plays h264' };
  const burnt = withBurnIn(copy, { webmVideo: 'vp9' }, { index: 2, codec: 'hdmv_pgs_subtitle' });
  assert.equal(burnt.action, 'transcode');
  assert.equal(burnt.video, 'h264');
  assert.match(burnt.reason, /burning subtitle track 2 \(hdmv_pgs_subtitle\) into the picture, so the video is re-encoded/);
  assert.equal(withBurnIn({ ...copy, container: 'webm' }, { webmVideo: 'vp9' }, { index: 0, codec: 'dvd_subtitle' }).video, 'vp9');
});
