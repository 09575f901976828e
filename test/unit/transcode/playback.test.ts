import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capabilitiesFromBrowser, parseBrowserAbilities, type BrowserAbilities } from '../../../src/transcode/browser-abilities.js';
import { conversionQuery, modeOf, planPlayback } from '../../../src/transcode/playback.js';
import type { ProbeResult } from '../../../src/transcode/probe.js';

/** What Debian's Chromium 156 reports through canPlayType (measured in the e2e test). */
const CHROMIUM: BrowserAbilities = {
  formats: [
    { container: 'mp4', video: ['h264', 'h264-10bit', 'vp9', 'av1'], audio: ['aac', 'mp3', 'opus', 'flac'] },
    { container: 'webm', video: ['vp8', 'vp9', 'av1'], audio: ['opus', 'vorbis'] },
    { container: 'matroska', video: ['h264', 'h264-10bit', 'vp8', 'vp9', 'av1'], audio: ['aac', 'mp3', 'opus', 'vorbis', 'flac'] },
  ],
};

function mkv(audio: string, video = 'h264'): ProbeResult {
  return {
    container: 'matroska', formatName: 'matroska,webm', durationSeconds: 20,
    video: { codec: video, profile: video === 'h264' ? 'High' : 'Main', width: 1920, height: 1080, pixFmt: 'yuv420p' },
    audio: { codec: audio, channels: 6 },
    audioTracks: [{ index: 0, codec: audio, channels: 6, default: true }],
    subtitleTracks: [],
  };
}

test('browser abilities: only known names pass; the report is bounded', () => {
  assert.deepEqual(parseBrowserAbilities(CHROMIUM), { ok: true, value: CHROMIUM });
  const bad: Array<[unknown, RegExp]> = [
    [undefined, /formats/],
    [{ formats: 'mp4' }, /formats/],
    [{ formats: [{ container: 'avi', video: [], audio: [] }] }, /container: "avi" is not one of/],
    [{ formats: [{ container: 'mp4', video: ['h264'], audio: ['aac', '<script>'] }] }, /audio: "<script>" is not one of/],
    [{ formats: [{ container: 'mp4', video: 'h264', audio: [] }] }, /video must be a list/],
    [{ formats: [{ container: 'mp4', video: Array(50).fill('h264'), audio: [] }] }, /at most 6/],
    [{ formats: [{ container: 'mp4', video: [], audio: [] }, { container: 'mp4', video: [], audio: [] }] }, /mp4 twice/],
    [{ formats: Array(4).fill({ container: 'mp4', video: [], audio: [] }) }, /at most 3 formats/],
  ];
  for (const [value, message] of bad) {
    const r = parseBrowserAbilities(value);
    assert.equal(r.ok, false, JSON.stringify(value)?.slice(0, 60));
    if (!r.ok) assert.match(r.message, message);
  }
  const dup = parseBrowserAbilities({ formats: [{ container: 'mp4', video: ['h264', 'h264'], audio: [] }] });
  assert.ok(dup.ok && dup.value.formats[0]!.video.length === 1, 'repeats collapse');
});

test('browser capabilities: 10-bit H.264 only when reported; outputs follow what plays', () => {
  const caps = capabilitiesFromBrowser(CHROMIUM);
  assert.deepEqual(caps.outputs, ['mp4', 'webm']);
  assert.equal(caps.webmVideo, 'vp8');
  const h264 = caps.formats.find((f) => f.container === 'mp4')!.video.find((v) => v.codec === 'h264')!;
  assert.equal(h264.excludedProfiles, undefined, 'Chromium decodes High 10');
  const eightBitOnly = capabilitiesFromBrowser({ formats: [{ container: 'mp4', video: ['h264'], audio: ['aac'] }] });
  assert.ok(eightBitOnly.formats[0]!.video[0]!.excludedProfiles?.includes('High 10'));
  assert.deepEqual(capabilitiesFromBrowser({ formats: [{ container: 'webm', video: ['vp9'], audio: ['opus'] }] }).outputs, ['webm']);
  assert.equal(capabilitiesFromBrowser({ formats: [{ container: 'webm', video: ['vp9'], audio: ['opus'] }] }).webmVideo, 'vp9');
});

test('one decision per screen: AC-3 and DTS in MKV get an audio-only conversion in Chromium, AAC plays as is', () => {
  const caps = capabilitiesFromBrowser(CHROMIUM);
  for (const audio of ['ac3', 'dts', 'eac3', 'truehd']) {
    const plan = planPlayback(mkv(audio), caps);
    assert.equal(plan.mode, 'audio', audio);
    assert.equal(plan.transcode, 'mp4');
    assert.deepEqual([plan.decision?.video, plan.decision?.audio], ['copy', 'aac'], audio);
    assert.match(plan.reason, new RegExp(`${audio} audio`));
    assert.equal(conversionQuery(plan, 'browser'), 'transcode=mp4&device=browser');
  }
  const aac = planPlayback(mkv('aac'), caps);
  assert.equal(aac.mode, 'original', 'Chromium plays H.264/AAC Matroska itself');
  assert.equal(aac.transcode, undefined);
  assert.equal(conversionQuery(aac, 'browser'), '');
  const hevc = planPlayback(mkv('ac3', 'hevc'), caps);
  assert.deepEqual([hevc.mode, hevc.decision?.video, hevc.decision?.audio], ['convert', 'h264', 'aac']);
  // A browser that plays AC-3 (Edge on Windows reports it) keeps it.
  const edge = capabilitiesFromBrowser({ formats: [{ container: 'matroska', video: ['h264'], audio: ['aac', 'ac3'] }, { container: 'mp4', video: ['h264'], audio: ['aac', 'ac3'] }] });
  assert.equal(planPlayback(mkv('ac3'), edge).mode, 'original');
});

test('modes: a remux says remux; without a probe the original, or what was asked', () => {
  const caps = capabilitiesFromBrowser({ formats: [{ container: 'mp4', video: ['h264'], audio: ['aac'] }] });
  const remux = planPlayback(mkv('aac'), caps);
  assert.deepEqual([remux.mode, remux.decision?.action], ['remux', 'remux'], 'a browser without Matroska gets the streams copied into MP4');
  assert.equal(modeOf({ action: 'transcode', container: 'mp4', video: 'copy', audio: 'aac', reason: '' }), 'audio');
  assert.equal(modeOf({ action: 'transcode', container: 'mp4', video: 'h264', audio: 'copy', reason: '' }), 'convert');
  assert.deepEqual(planPlayback(undefined, caps, { probeError: 'ffprobe failed: Invalid data' }), { mode: 'original', reason: 'the file could not be probed (ffprobe failed: Invalid data); sending it as it is' });
  assert.deepEqual(planPlayback(undefined, caps, { requested: 'webm' }), { mode: 'convert', transcode: 'webm', reason: 'the file could not be probed; converting to webm as asked' });
  assert.equal(conversionQuery({ transcode: 'mp4' }, 'dlna-tv', 42.1234), 'transcode=mp4&device=dlna-tv&t=42.123');
});

test('a codec ffmpeg does not know: the original, said why (a conversion could not work)', () => {
  const caps = capabilitiesFromBrowser(CHROMIUM);
  const plan = planPlayback({ ...mkv('aac'), video: { codec: 'unknown', width: 320, height: 240 } }, caps);
  assert.deepEqual(plan, { mode: 'original', reason: "ffmpeg does not know this file's video codec, so it cannot convert it; sending the file as it is" });
});
