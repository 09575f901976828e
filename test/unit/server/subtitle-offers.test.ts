import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iso639Part2, languageTag, subtitleOffers } from '../../../src/server/subtitle-offers.js';
import { parseSubtitleQuery, subtitleArgs } from '../../../src/transcode/subtitle-route.js';
import { parseProbeOutput } from '../../../src/transcode/probe.js';

const PROBE = parseProbeOutput(JSON.stringify({
  streams: [
    { codec_type: 'video', codec_name: 'h264', width: 1920, height: 1080 },
    { codec_type: 'audio', codec_name: 'dts', channels: 6, tags: { language: 'eng' }, disposition: { default: 1 } },
    { codec_type: 'audio', codec_name: 'ac3', channels: 2, tags: { LANGUAGE: 'fre', title: 'Français\u0007' } },
    { codec_type: 'subtitle', codec_name: 'hdmv_pgs_subtitle', tags: { language: 'eng' } },
    { codec_type: 'subtitle', codec_name: 'subrip', tags: { language: 'fre' } },
    { codec_type: 'subtitle', codec_name: 'ass', tags: { language: 'eng', title: 'English (SDH)' }, disposition: { default: 1 } },
    { codec_type: 'subtitle', codec_name: 'mov_text' },
  ],
  format: { format_name: 'matroska,webm', duration: '5400' },
}));

test('the probe lists every audio and subtitle track, text or picture, with languages and flags', () => {
  assert.deepEqual(PROBE.audioTracks, [
    { index: 0, codec: 'dts', channels: 6, language: 'eng', default: true },
    { index: 1, codec: 'ac3', channels: 2, language: 'fre', title: 'Français', default: false },
  ]);
  assert.deepEqual(PROBE.subtitleTracks.map((t) => [t.index, t.codec, t.text, t.default]), [[0, 'hdmv_pgs_subtitle', false, false], [1, 'subrip', true, false], [2, 'ass', true, true], [3, 'mov_text', true, false]]);
});

test('offers: the default text track first, pictures left out, then the files beside the video', () => {
  const files = [{ index: 0, name: 'Film/Film.mkv' }, { index: 1, name: 'Film/Film.de.srt' }, { index: 2, name: 'Film/notes.txt' }];
  assert.deepEqual(subtitleOffers(files, 0, PROBE), [
    { source: 'embedded', fileIndex: 0, query: 'format=vtt&track=2', language: 'en', label: 'English (SDH)' },
    { source: 'embedded', fileIndex: 0, query: 'format=vtt&track=1', language: 'fr', label: 'fre' },
    { source: 'embedded', fileIndex: 0, query: 'format=vtt&track=3', language: 'und', label: 'Track 4' },
    { source: 'file', fileIndex: 1, query: 'format=vtt', language: 'de', label: 'de' },
  ]);
  assert.deepEqual(subtitleOffers(files, 0, undefined).map((o) => o.source), ['file'], 'not probed: the files beside it only');
  assert.equal(languageTag('ENG'), 'en');
  assert.equal(languageTag('pt-BR'), 'pt-br');
  assert.equal(languageTag('<script>'), 'und');
  assert.equal(languageTag(undefined), 'und');
  assert.equal(iso639Part2('en'), 'eng');
  assert.equal(iso639Part2('fr'), 'fre');
  assert.equal(iso639Part2('xx'), 'und');
});

test('the track query is checked; the command maps only that track, in file time', () => {
  assert.deepEqual(parseSubtitleQuery({ format: 'vtt', track: '2' }), { ok: true, value: { track: 2, startSeconds: 0 } });
  assert.deepEqual(parseSubtitleQuery({ track: '0', t: '90.5' }), { ok: true, value: { track: 0, startSeconds: 90.5 } });
  for (const q of [{}, { track: '-1' }, { track: 'x' }, { track: '64' }, { track: ['0', '1'] }, { track: '0', t: '1e9' }, { track: '0', t: 'abc' }]) {
    assert.equal(parseSubtitleQuery(q).ok, false, JSON.stringify(q));
  }
  const plan = subtitleArgs('http://127.0.0.1:1/x/media.mkv', { track: 1, startSeconds: 40 });
  assert.deepEqual(plan.outputOptions, ['-map', '0:s:1', '-c:s', 'srt', '-flush_packets', '1', '-f', 'srt'], 'SubRip ends each cue with a blank line: nothing waits for the next cue');
  assert.ok(plan.inputOptions.includes('-copyts'), 'cue times stay in file time after a seek');
  assert.deepEqual(plan.inputOptions.slice(-2), ['-ss', '40']);
});
