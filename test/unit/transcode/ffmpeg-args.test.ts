import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFfmpegArgs, formatSeconds, toArgv, MP4_MOVFLAGS } from '../../../src/transcode/ffmpeg-args.js';
import type { Decision } from '../../../src/transcode/decide.js';

const mp4: Decision = { action: 'transcode', container: 'mp4', video: 'h264', audio: 'aac', reason: '' };
const webm: Decision = { action: 'transcode', container: 'webm', video: 'vp9', audio: 'opus', reason: '' };

function after(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i < 0 ? undefined : argv[i + 1];
}

test('-ss goes before -i (input seeking) and -output_ts_offset keeps the real time', () => {
  const argv = toArgv(buildFfmpegArgs({ input: 'http://127.0.0.1:9/x/media.mkv', decision: mp4, startSeconds: 63.25 }));
  assert.ok(argv.indexOf('-ss') >= 0 && argv.indexOf('-ss') < argv.indexOf('-i'));
  assert.equal(after(argv, '-ss'), '63.25');
  assert.equal(after(argv, '-output_ts_offset'), '63.25');
  assert.ok(argv.indexOf('-output_ts_offset') > argv.indexOf('-i'));
  assert.equal(after(argv, '-i'), 'http://127.0.0.1:9/x/media.mkv');
  assert.equal(argv.at(-1), 'pipe:1');
  const none = toArgv(buildFfmpegArgs({ input: 'u', decision: mp4 }));
  assert.equal(none.indexOf('-ss'), -1);
  assert.equal(none.indexOf('-output_ts_offset'), -1);
});

test('MP4: fragmented with an edit list, libx264 veryfast on 2 threads, keyframes every 2 s, AAC stereo', () => {
  const argv = toArgv(buildFfmpegArgs({ input: 'u', decision: mp4 }));
  assert.equal(after(argv, '-movflags'), MP4_MOVFLAGS);
  assert.match(MP4_MOVFLAGS, /frag_keyframe/);
  assert.match(MP4_MOVFLAGS, /empty_moov/);
  assert.match(MP4_MOVFLAGS, /default_base_moof/);
  assert.equal(after(argv, '-use_editlist'), '1');
  assert.equal(after(argv, '-f'), 'mp4');
  assert.equal(after(argv, '-c:v'), 'libx264');
  assert.equal(after(argv, '-preset'), 'veryfast');
  assert.equal(after(argv, '-threads'), '2');
  assert.equal(after(argv, '-pix_fmt'), 'yuv420p');
  assert.equal(after(argv, '-force_key_frames'), 'expr:gte(t,n_forced*2)');
  assert.equal(after(argv, '-c:a'), 'aac');
  assert.equal(after(argv, '-ac'), '2');
});

test('WebM: VP9 in realtime mode with cpu-used 8, Opus at 48 kHz, bitrate by height, scaling when decided', () => {
  const argv = toArgv(buildFfmpegArgs({ input: 'u', decision: { ...webm, scaleHeight: 720 }, sourceHeight: 2160, threads: 4 }));
  assert.equal(after(argv, '-c:v'), 'libvpx-vp9');
  assert.equal(after(argv, '-deadline'), 'realtime');
  assert.equal(after(argv, '-cpu-used'), '8');
  assert.equal(after(argv, '-b:v'), '2000k');
  assert.equal(after(argv, '-vf'), 'scale=-2:720');
  assert.equal(after(argv, '-threads'), '4');
  assert.equal(after(argv, '-c:a'), 'libopus');
  assert.equal(after(argv, '-ar'), '48000');
  assert.equal(after(argv, '-f'), 'webm');
  const vp8 = toArgv(buildFfmpegArgs({ input: 'u', decision: { ...webm, video: 'vp8' }, sourceHeight: 240 }));
  assert.equal(after(vp8, '-c:v'), 'libvpx');
  assert.equal(after(vp8, '-b:v'), '1000k');
});

test('copy where decided, no audio map when there is none', () => {
  const argv = toArgv(buildFfmpegArgs({ input: 'u', decision: { action: 'remux', container: 'mp4', video: 'copy', audio: 'none', reason: '' } }));
  assert.equal(after(argv, '-c:v'), 'copy');
  assert.ok(argv.includes('-an'));
  assert.equal(argv.filter((a) => a === '-map').length, 1);
  assert.equal(argv.indexOf('-force_key_frames'), -1, 'a copied stream keeps its own keyframes');
  assert.equal(argv.indexOf('libx264'), -1);
  const copyAudio = toArgv(buildFfmpegArgs({ input: 'u', decision: { ...mp4, audio: 'copy' } }));
  assert.equal(after(copyAudio, '-c:a'), 'copy');
  assert.ok(copyAudio.includes('0:a:0?'));
});

test('seconds are printed plainly for ffmpeg', () => {
  assert.equal(formatSeconds(9), '9');
  assert.equal(formatSeconds(9.5), '9.5');
  assert.equal(formatSeconds(0.0004), '0');
  assert.equal(formatSeconds(1 / 3), '0.333');
  assert.equal(formatSeconds(864000), '864000');
});

test('a conversion never spends much more than the source: the video capped just under twice its bitrate', async () => {
  const { videoBitrateCap } = await import('../../../src/transcode/ffmpeg-args.js');
  assert.equal(videoBitrateCap(5_500_000, 'aac'), 9_740_000, 'a 5.5 Mbit/s film: 9.74 Mbit/s of picture and 0.16 of AAC, under the 11 of twice');
  assert.equal(videoBitrateCap(100_000, 'copy'), 50_000, 'mostly sound: the picture keeps half the rate');
  assert.equal(videoBitrateCap(undefined), undefined);
  assert.equal(videoBitrateCap(0), undefined);
  const h264 = toArgv(buildFfmpegArgs({ input: 'u', decision: mp4, sourceBitRate: 5_500_000 }));
  assert.equal(after(h264, '-maxrate'), '9740k');
  assert.equal(after(h264, '-bufsize'), '9740k');
  assert.equal(after(h264, '-crf'), '23', 'CRF still decides below the cap');
  assert.equal(toArgv(buildFfmpegArgs({ input: 'u', decision: mp4 })).includes('-maxrate'), false, 'no source bitrate known: no cap invented');
  const vp9 = toArgv(buildFfmpegArgs({ input: 'u', decision: webm, sourceHeight: 1080, sourceBitRate: 1_000_000 }));
  assert.equal(after(vp9, '-b:v'), '1672k', 'the 4 Mbit/s a 1080p VP9 would get, capped by a 1 Mbit/s source (less the Opus)');
  assert.equal(after(vp9, '-maxrate'), '1672k');
});

test('a ladder rung sets the preset, the height and the frame-rate cap; the bitrate is capped by the source and the screen', () => {
  const film: Decision = { action: 'transcode', container: 'mp4', video: 'h264', audio: 'aac', reason: '' };
  const at720 = toArgv(buildFfmpegArgs({ input: 'http://x/', decision: film, sourceHeight: 1080, sourceFps: 60, sourceBitRate: 5_500_000, rung: { id: '720p-ultrafast-30fps', height: 720, preset: 'ultrafast', maxFps: 30 }, progress: true }));
  assert.equal(after(at720, '-preset'), 'ultrafast');
  assert.equal(after(at720, '-vf'), 'scale=-2:720,fps=30');
  assert.equal(after(at720, '-maxrate'), '5000k', 'the screen needs 5 Mbit/s at 720p, under the source cap of 9.74');
  assert.equal(after(at720, '-progress'), 'pipe:2');
  const at1080 = toArgv(buildFfmpegArgs({ input: 'http://x/', decision: film, sourceHeight: 1080, sourceFps: 24, sourceBitRate: 5_500_000, rung: { id: '1080p-veryfast', height: 1080, preset: 'veryfast' } }));
  assert.equal(after(at1080, '-vf'), undefined, 'no scale, no fps filter for a 24 fps 1080p source at its own size');
  assert.equal(after(at1080, '-maxrate'), '9740k', 'under twice the source (1.8x less the sound)');
  const vaapi = toArgv(buildFfmpegArgs({ input: 'http://x/', decision: film, sourceHeight: 1080, rung: { id: '720p-veryfast', height: 720, preset: 'veryfast' }, encoder: 'h264_vaapi' }));
  assert.equal(after(vaapi, '-vaapi_device'), '/dev/dri/renderD128');
  assert.equal(after(vaapi, '-vf'), 'scale=-2:720,format=nv12,hwupload');
  assert.equal(after(vaapi, '-c:v'), 'h264_vaapi');
});

test('a picture subtitle is burnt in through a filter graph that scales it to the video', () => {
  const film: Decision = { action: 'transcode', container: 'mp4', video: 'h264', audio: 'aac', reason: '' };
  const argv = toArgv(buildFfmpegArgs({ input: 'http://x/', decision: film, sourceHeight: 1080, rung: { id: '720p-veryfast', height: 720, preset: 'veryfast' }, burnSubtitle: 1 }));
  assert.equal(after(argv, '-filter_complex'), '[0:s:1][0:v:0]scale2ref[sub][base];[base][sub]overlay=eof_action=pass:repeatlast=0,scale=-2:720[vout]');
  assert.equal(after(argv, '-map'), '[vout]');
  assert.equal(after(argv, '-vf'), undefined);
  const copy = toArgv(buildFfmpegArgs({ input: 'http://x/', decision: { ...film, video: 'copy' }, burnSubtitle: 0 }));
  assert.equal(after(copy, '-filter_complex'), undefined, 'a copied picture cannot carry a burnt subtitle');
});
