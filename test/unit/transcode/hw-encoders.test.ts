import assert from 'node:assert/strict';
import test from 'node:test';
import { detectEncoder, pickEncoder, testEncodeArgs, type EncoderProbe } from '../../../src/transcode/hw-encoders.js';
import { calibrationArgs, parseBenchmark } from '../../../src/transcode/calibrate.js';
import { progressSeconds, withoutProgress } from '../../../src/transcode/ffmpeg-stream.js';

const failed = (encoder: EncoderProbe['encoder'], detail = 'Cannot load libcuda.so.1'): EncoderProbe => ({ encoder, ok: false, detail });

test('the picker takes the first hardware encoder whose test encode worked, else libx264 saying why', () => {
  assert.deepEqual(pickEncoder([failed('h264_nvenc'), { encoder: 'h264_qsv', ok: true, detail: 'ok' }, { encoder: 'h264_vaapi', ok: true, detail: 'ok' }]).encoder, 'h264_qsv');
  assert.equal(pickEncoder([{ encoder: 'h264_vaapi', ok: true, detail: 'ok' }, { encoder: 'h264_nvenc', ok: true, detail: 'ok' }]).encoder, 'h264_nvenc', 'preference order, not result order');
  const none = pickEncoder([failed('h264_nvenc'), failed('h264_qsv', 'Device creation failed'), failed('h264_vaapi', 'timed out after 8000 ms')]);
  assert.equal(none.encoder, 'libx264');
  assert.match(none.reason, /no hardware encoder works here: h264_nvenc \(Cannot load libcuda\.so\.1\); h264_qsv \(Device creation failed\); h264_vaapi \(timed out/);
  assert.equal(pickEncoder([]).encoder, 'libx264');
});

test('each candidate gets a one-frame encode with its device opened; detection runs them all', async () => {
  const vaapi = testEncodeArgs('h264_vaapi');
  assert.ok(vaapi.includes('-vaapi_device') && vaapi.includes('format=nv12,hwupload'));
  assert.equal(vaapi[vaapi.indexOf('-frames:v') + 1], '1');
  assert.ok(testEncodeArgs('h264_qsv').includes('-init_hw_device'));
  const ran: string[] = [];
  const r = await detectEncoder('ffmpeg', async (_p, args) => (ran.push(args[args.indexOf('-c:v') + 1]!), { ok: args.includes('h264_vaapi'), detail: 'x' }), 100);
  assert.deepEqual(ran, ['h264_nvenc', 'h264_qsv', 'h264_vaapi']);
  assert.equal(r.choice.encoder, 'h264_vaapi');
});

test('calibration encodes the source size at the rung, and reads ffmpeg -benchmark; progress lines are parsed and kept out of errors', () => {
  const args = calibrationArgs({ sourceWidth: 1920, sourceHeight: 1080, rung: { id: '720p-superfast', height: 720, preset: 'superfast' }, encoder: 'libx264', video: 'h264' });
  assert.ok(args.includes('-benchmark'));
  assert.ok(args.some((a) => a.startsWith('testsrc2=size=1920x1080')));
  assert.equal(args[args.indexOf('-preset') + 1], 'superfast');
  assert.equal(args[args.indexOf('-vf') + 1], 'scale=-2:720');
  assert.equal(parseBenchmark('x\nbench: utime=1.043s stime=0.024s rtime=1.679s\n'), 1.067);
  assert.equal(parseBenchmark('nothing'), undefined);
  assert.equal(progressSeconds('out_time_us=2500000'), 2.5);
  assert.equal(progressSeconds('out_time_us=N/A'), undefined);
  assert.equal(withoutProgress('frame=12\nout_time_us=1\n[mp4] Invalid data\nprogress=continue').trim(), '[mp4] Invalid data');
});

test('calibration measures the film itself from the start point, and falls back to a synthetic picture scaled to its frame rate', async () => {
  const { calibrate, sourceCalibrationArgs } = await import('../../../src/transcode/calibrate.js');
  const rung = { id: '720p-ultrafast-30fps', height: 720, preset: 'ultrafast' as const, maxFps: 30 };
  const key = { sourceWidth: 1920, sourceHeight: 1080, sourceFps: 60, rung, encoder: 'libx264' as const, video: 'h264' as const, source: { url: 'http://127.0.0.1:9/film', startSeconds: 90, shape: 'hevc/yuv420p10le/1080' } };
  const args = sourceCalibrationArgs(key);
  assert.equal(args[args.indexOf('-ss') + 1], '90');
  assert.equal(args[args.indexOf('-i') + 1], 'http://127.0.0.1:9/film');
  assert.equal(args[args.indexOf('-vf') + 1], 'scale=-2:720,fps=30');
  const ran: string[] = [];
  // The film: 2.4 CPU seconds for 2 s of picture.
  const film = async (_p: string, a: string[]) => (ran.push(a.includes('lavfi') ? 'synthetic' : 'film'), { stderr: 'bench: utime=2.300s stime=0.100s rtime=3s', stdout: 'out_time_us=1000000\nout_time_us=2000000\n' });
  assert.equal(await calibrate('ffmpeg-a', key, film), 1.2);
  assert.equal(await calibrate('ffmpeg-a', { ...key, source: { ...key.source, url: 'http://other', startSeconds: 0 } }, film), 1.2, 'remembered for the shape');
  assert.deepEqual(ran, ['film']);
  // No film data in time: the synthetic picture at 24 fps, scaled to the rung's 30 fps cap.
  const noFilm = async (_p: string, a: string[]) => (a.includes('lavfi') ? { stderr: 'bench: utime=0.800s stime=0.000s rtime=1s', stdout: '' } : undefined);
  assert.equal(await calibrate('ffmpeg-b', key, noFilm), 0.4 * (30 / 24));
  // A film that ends within a second says too little.
  const short = async (_p: string, a: string[]) => (a.includes('lavfi') ? { stderr: 'bench: utime=1.000s stime=0.000s rtime=1s', stdout: '' } : { stderr: 'bench: utime=0.200s stime=0.000s rtime=1s', stdout: 'out_time_us=400000' });
  assert.equal(await calibrate('ffmpeg-c', { ...key, sourceFps: 24, rung: { id: '720p-veryfast', height: 720, preset: 'veryfast' as const } }, short), 0.5);
});
