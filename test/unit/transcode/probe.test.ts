import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerOf, parseProbeOutput, MAX_PROBE_OUTPUT_BYTES, probe } from '../../../src/transcode/probe.js';

const MKV = JSON.stringify({
  streams: [
    { index: 0, codec_name: 'hevc', profile: 'Main', codec_type: 'video', width: 320, height: 240, pix_fmt: 'yuv420p', disposition: { attached_pic: 0 } },
    { index: 1, codec_name: 'ac3', codec_type: 'audio', channels: 6, sample_rate: '48000' },
  ],
  format: { format_name: 'matroska,webm', duration: '15.005000', size: '715563' },
});

test('ffprobe JSON: container, duration, first video and audio stream', () => {
  assert.deepEqual(parseProbeOutput(MKV), {
    container: 'matroska',
    formatName: 'matroska,webm',
    durationSeconds: 15.005,
    video: { codec: 'hevc', profile: 'Main', width: 320, height: 240, pixFmt: 'yuv420p' },
    audio: { codec: 'ac3', channels: 6 },
    audioTracks: [{ index: 0, codec: 'ac3', channels: 6, default: false }],
    subtitleTracks: [],
  });
});

test('cover art is not the video; a missing format duration falls back to the stream', () => {
  const mp3InMp4 = JSON.stringify({
    streams: [
      { codec_name: 'mjpeg', codec_type: 'video', width: 600, height: 600, disposition: { attached_pic: 1 } },
      { codec_name: 'aac', codec_type: 'audio', channels: 2, duration: '200.5' },
    ],
    format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2' },
  });
  const r = parseProbeOutput(mp3InMp4);
  assert.equal(r.container, 'mp4');
  assert.equal(r.video, undefined);
  assert.equal(r.durationSeconds, 200.5);
});

test('container names: WebM only with WebM codecs', () => {
  assert.equal(containerOf('matroska,webm', ['vp9', 'opus']), 'webm');
  assert.equal(containerOf('matroska,webm', ['h264', 'opus']), 'matroska');
  assert.equal(containerOf('avi', ['mpeg4']), 'avi');
  assert.equal(containerOf('mpegts', []), 'mpegts');
  assert.equal(containerOf('flv', []), 'other');
});

test('bounded and strict: oversized, non-JSON and formatless output are refused', () => {
  assert.throws(() => parseProbeOutput('x'.repeat(MAX_PROBE_OUTPUT_BYTES + 1)), /more than/);
  assert.throws(() => parseProbeOutput('Invalid data found'), /did not print JSON/);
  assert.throws(() => parseProbeOutput('{"streams": []}'), /no format/);
  assert.throws(() => parseProbeOutput('[1,2]'), /no format/);
  const odd = parseProbeOutput(JSON.stringify({ streams: [{ codec_type: 'video', codec_name: 'h264', width: 'wide' }], format: { format_name: 'mov', duration: 'N/A' } }));
  assert.equal(odd.durationSeconds, undefined);
  assert.equal(odd.video?.width, 0);
});

test('a missing ffprobe is a clear error', async () => {
  await assert.rejects(probe('http://127.0.0.1:1/x', { ffprobePath: '/nonexistent/ffprobe' }), /\/nonexistent\/ffprobe was not found/);
});

test('a stream ffprobe cannot identify (no codec_name) is an unknown codec, not an absent stream', async () => {
  const { unknownStreams } = await import('../../../src/transcode/probe.js');
  const r = parseProbeOutput(JSON.stringify({ streams: [{ codec_type: 'video', width: 320, height: 240 }, { codec_type: 'audio', codec_name: 'aac', channels: 2 }], format: { format_name: 'matroska,webm' } }));
  assert.equal(r.video?.codec, 'unknown');
  assert.deepEqual(unknownStreams(r), ['video']);
  assert.deepEqual(unknownStreams({ audio: { codec: 'aac', channels: 2 } }), []);
});
