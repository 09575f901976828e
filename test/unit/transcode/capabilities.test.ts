import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capabilitiesFromProtocolInfo, castProfileForModel, formatFromProtocolInfo, DEVICE_PROFILES } from '../../../src/transcode/capabilities.js';

// A Samsung-style sink list, abridged: images, audio, rtsp and video entries mixed.
const SINK = [
  'http-get:*:image/jpeg:DLNA.ORG_PN=JPEG_SM',
  'http-get:*:audio/mpeg:DLNA.ORG_PN=MP3',
  'rtsp-rtp-udp:*:video/mp4:*',
  'http-get:*:video/mp4:DLNA.ORG_PN=AVC_MP4_BL_CIF15_AAC_520',
  'http-get:*:video/mp4:DLNA.ORG_PN=AVC_MP4_MP_HD_720p_AAC',
  'http-get:*:video/x-matroska:*',
  'http-get:*:video/avi:*',
  'http-get:*:video/vnd.dlna.mpeg-tts:DLNA.ORG_PN=AVC_TS_HD_50_AC3_T',
].join(',');

test('GetProtocolInfo sink: video formats merged per container, largest size wins', () => {
  const caps = capabilitiesFromProtocolInfo(SINK, 'Living room TV');
  assert.equal(caps.label, 'Living room TV');
  assert.deepEqual(caps.formats.map((f) => f.container).sort(), ['avi', 'matroska', 'mp4', 'mpegts']);
  const mp4 = caps.formats.find((f) => f.container === 'mp4')!;
  assert.deepEqual(mp4.video.map((v) => [v.codec, v.maxWidth, v.maxHeight]), [['h264', 1280, 720]]);
  assert.deepEqual(mp4.audio, ['aac']);
  const ts = caps.formats.find((f) => f.container === 'mpegts')!;
  assert.equal(ts.video[0]!.codec, 'h264');
  assert.deepEqual(ts.audio, ['ac3']);
  assert.deepEqual(caps.formats.find((f) => f.container === 'avi')!.video.map((v) => v.codec), ['mpeg4']);
  assert.deepEqual(caps.outputs, ['mp4']);
});

test('single entries: profile names give codec, size and audio; non-HTTP and audio entries are ignored', () => {
  const cif = formatFromProtocolInfo('http-get:*:video/mp4:DLNA.ORG_PN=AVC_MP4_BL_CIF15_AAC_520');
  assert.deepEqual([cif?.container, cif?.video[0]?.maxWidth, cif?.video[0]?.maxHeight, cif?.audio], ['mp4', 352, 288, ['aac']]);
  const hevc = formatFromProtocolInfo('http-get:*:video/mp4:DLNA.ORG_PN=HEVC_MP4_MAIN_HD_AAC;DLNA.ORG_OP=01');
  assert.equal(hevc?.video[0]?.codec, 'hevc');
  assert.equal(formatFromProtocolInfo('http-get:*:video/webm:*')?.container, 'webm');
  assert.equal(formatFromProtocolInfo('http-get:*:audio/mpeg:*'), undefined);
  assert.equal(formatFromProtocolInfo('rtsp-rtp-udp:*:video/mp4:*'), undefined);
  assert.equal(formatFromProtocolInfo('garbage'), undefined);
  assert.deepEqual(capabilitiesFromProtocolInfo('').formats, []);
});

test('Chromecast generations: only Ultra and Google TV decode HEVC and VP9; all do 1080p H.264', () => {
  assert.equal(castProfileForModel('Chromecast').id, 'chromecast');
  assert.equal(castProfileForModel('Chromecast Ultra').id, 'chromecast-ultra');
  assert.equal(castProfileForModel('Chromecast HD').id, 'google-tv-hd');
  assert.equal(castProfileForModel('Google TV Streamer').id, 'google-tv');
  const codecs = (id: string): string[] => [...new Set(DEVICE_PROFILES[id]!.formats.flatMap((f) => f.video.map((v) => v.codec)))].sort();
  assert.deepEqual(codecs('chromecast'), ['h264', 'vp8']);
  assert.ok(codecs('chromecast-ultra').includes('hevc') && codecs('chromecast-ultra').includes('vp9'));
  for (const id of ['chromecast', 'chromecast-ultra', 'google-tv']) {
    const h264 = DEVICE_PROFILES[id]!.formats.find((f) => f.container === 'mp4')!.video.find((v) => v.codec === 'h264')!;
    assert.ok(h264.maxHeight >= 1080, id);
  }
  const browserWebm = DEVICE_PROFILES['browser']!.formats.find((f) => f.container === 'webm')!;
  assert.deepEqual(browserWebm.audio, ['opus', 'vorbis']);
});
