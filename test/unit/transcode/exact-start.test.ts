import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyframeProbeArgs, needsSplice, nextKeyframe, scanKeyframes, splicePlan } from '../../../src/transcode/exact-start.js';
import type { Decision } from '../../../src/transcode/decide.js';

const remux: Decision = { action: 'remux', container: 'mp4', video: 'copy', audio: 'copy', reason: '' };
const audioOnly: Decision = { action: 'transcode', container: 'mp4', video: 'copy', audio: 'aac', reason: '' };

test('the next keyframe at or after T, from ffprobe\'s packet list', () => {
  const csv = '30.021000,K_\n30.061000,__\n35.021000,__\n40.021000,K_\n50.021000,K_\nN/A,K_\n';
  assert.equal(nextKeyframe(csv, 35), 40.021);
  assert.equal(nextKeyframe(csv, 30.021), 30.021, 'a keyframe exactly at T');
  assert.equal(nextKeyframe(csv, 30.0208), 30.021);
  assert.equal(nextKeyframe(csv, 51), undefined, 'none in reach');
  assert.equal(nextKeyframe('', 1), undefined);
  assert.deepEqual(scanKeyframes(csv, 35), { next: 40.021, last: 50.021 });
  assert.deepEqual(scanKeyframes('8.000000,K_\n8.341000,__\n', 17), { next: undefined, last: 8.341 }, 'a truncated file: its data ends before T');
  assert.deepEqual(keyframeProbeArgs('http://h/x.mkv', 35).slice(3, 6), ['v:0', '-read_intervals', '35%65']);
  assert.equal(keyframeProbeArgs('http://h/x.mkv', 35, 3)[5], '35%38', 'a short window first, ending at T + 3 s');
});

test('a splice only for a copied H.264/HEVC video into MP4, started between keyframes', () => {
  assert.equal(needsSplice(remux, 'h264', 35), true);
  assert.equal(needsSplice(remux, 'hevc', 35), true);
  assert.equal(needsSplice(remux, 'vp9', 35), false, 'MPEG-TS cannot carry VP9: the start stays at the keyframe');
  assert.equal(needsSplice(remux, 'h264', 0), false);
  assert.equal(needsSplice({ ...remux, video: 'h264', action: 'transcode' }, 'hevc', 35), false, 'a re-encoded video seeks exactly anyway');
  assert.equal(needsSplice({ ...remux, container: 'webm' }, 'h264', 35), false);
  const base = { input: 'http://h/x.mkv', startSeconds: 35, keyframeSeconds: 40.021, videoCodec: 'h264' };
  assert.equal(splicePlan({ ...base, decision: remux, keyframeSeconds: 35.01 }), undefined, 'T on a keyframe: a copy is exact');
});

test('the three commands: head re-encodes T..K in file time, tail copies from K, join writes fragmented MP4', () => {
  const plan = splicePlan({ input: 'http://h/x.mkv', decision: audioOnly, startSeconds: 35, keyframeSeconds: 40.021, videoCodec: 'h264', pixFmt: 'yuv420p', audioCodec: 'ac3' })!;
  const after = (args: string[], flag: string, from = 0) => args[args.indexOf(flag, from) + 1];
  const i = plan.head.indexOf('-i');
  assert.equal(after(plan.head, '-ss'), '35', 'input seek to T');
  assert.equal(after(plan.head, '-ss', i), '35', 'and an output -ss that drops copied packets before T');
  assert.equal(after(plan.head, '-to'), '40.02', 'up to just before K');
  assert.equal(after(plan.head, '-output_ts_offset'), '35');
  assert.equal(after(plan.head, '-c:v'), 'libx264');
  assert.equal(after(plan.head, '-c:a'), 'aac');
  assert.ok(plan.head.includes('-copyts') && plan.tail.includes('-copyts') && plan.join.includes('-copyts'), 'file time throughout');
  assert.deepEqual(plan.head.slice(-3), ['-f', 'mpegts', 'pipe:1']);
  assert.equal(after(plan.tail, '-ss'), '40.021');
  assert.equal(after(plan.tail, '-c:v'), 'copy');
  assert.equal(after(plan.join, '-i'), 'pipe:0');
  assert.equal(after(plan.join, '-bsf:a'), 'aac_adtstoasc', 'the converted sound loses its ADTS framing');
  assert.equal(after(plan.join, '-f', plan.join.indexOf('-i')), 'mp4');
  const copied = splicePlan({ input: 'u', decision: remux, startSeconds: 35, keyframeSeconds: 40.021, videoCodec: 'hevc', audioCodec: 'ac3' })!;
  assert.equal(after(copied.head, '-c:v'), 'libx265');
  assert.equal(copied.join.includes('-bsf:a'), false, 'AC-3 needs no bitstream filter');
  assert.equal(after(splicePlan({ input: 'u', decision: remux, startSeconds: 35, keyframeSeconds: 40.021, videoCodec: 'h264', audioCodec: 'aac' })!.join, '-bsf:a'), 'aac_adtstoasc');
});
