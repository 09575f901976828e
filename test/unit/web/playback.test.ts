import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureAbilities } from '../../../src/web/client/abilities.js';
import { conversionNote, fileTime, playbackFromApi, withStart } from '../../../src/web/client/playback.js';
import { parseBrowserAbilities } from '../../../src/transcode/browser-abilities.js';

const HASH = 'ab'.repeat(20);

test('abilities: each codec asked per container; the report is what the server accepts', () => {
  const asked: string[] = [];
  // A browser that plays H.264/AAC MP4 and Matroska (no AC-3), and nothing in WebM.
  const report = measureAbilities((type) => {
    asked.push(type);
    if (type.startsWith('video/webm')) return false;
    return /avc1\.64|mp4a\.40\.2/.test(type);
  });
  assert.deepEqual(report, { formats: [{ container: 'mp4', video: ['h264'], audio: ['aac'] }, { container: 'matroska', video: ['h264'], audio: ['aac'] }] });
  assert.ok(asked.includes('video/x-matroska; codecs="ac-3"'), 'AC-3 is asked about, so its absence is known');
  assert.ok(asked.includes('video/mp4; codecs="dtsc"'));
  assert.equal(parseBrowserAbilities(report).ok, true, 'the server takes the page report as it is');
  assert.deepEqual(measureAbilities(() => false), { formats: [] });
  assert.equal(parseBrowserAbilities(measureAbilities(() => true)).ok, true, 'a browser that claims everything is still a valid report');
});

test('the playback answer is checked: same-origin stream paths only, odd fields dropped', () => {
  const answer = {
    mode: 'audio', reason: 'Chromium cannot play ac3 audio', url: `/stream/${HASH}/0?transcode=mp4&device=browser`, seek: 'restart', durationSeconds: 60,
    audioTracks: [{ index: 0, codec: 'ac3', channels: 6 }],
    subtitles: [{ url: `/stream/${HASH}/0?format=vtt&track=0`, language: 'eng', label: 'English' }, { url: 'https://evil.example/x.vtt', language: 'en', label: 'x' }, 'junk'],
  };
  const view = playbackFromApi(answer)!;
  assert.deepEqual(view, {
    mode: 'audio', reason: 'Chromium cannot play ac3 audio', url: answer.url, seek: 'restart', durationSeconds: 60, sourceAudio: 'ac3',
    subtitles: [{ url: `/stream/${HASH}/0?format=vtt&track=0`, language: 'eng', label: 'English' }],
  });
  assert.match(conversionNote(view), /cannot decode the AC3 sound; the server converts the audio and copies the picture/);
  assert.equal(conversionNote({ ...view, mode: 'original' }), '');
  assert.equal(playbackFromApi({ ...answer, url: 'https://evil.example/stream' }), undefined);
  assert.equal(playbackFromApi({ ...answer, url: `/stream/${HASH}/0?x=<script>` }), undefined);
  assert.equal(playbackFromApi({ ...answer, mode: 'teleport' }), undefined);
  assert.equal(playbackFromApi(null), undefined);
  assert.equal(playbackFromApi({ ...answer, durationSeconds: -1, seek: 'weird' })?.durationSeconds, undefined);
  assert.equal(playbackFromApi({ ...answer, seek: 'weird' })?.seek, 'native');
});

test('withStart replaces t and keeps the rest of the query', () => {
  assert.equal(withStart(`/stream/${HASH}/0?transcode=mp4&device=browser`, 40), `/stream/${HASH}/0?transcode=mp4&device=browser&t=40`);
  assert.equal(withStart(`/stream/${HASH}/0?transcode=mp4&t=12&device=browser`, 7.12345), `/stream/${HASH}/0?transcode=mp4&device=browser&t=7.123`);
  assert.equal(withStart(`/stream/${HASH}/0?transcode=mp4&t=12`, 0), `/stream/${HASH}/0?transcode=mp4`);
  assert.equal(withStart(`/stream/${HASH}/0`, 0), `/stream/${HASH}/0`);
});

test('the page reads cues out of the streaming WebVTT as they come, whatever the chunking', async () => {
  const { VttCueReader, parseBlock } = await import('../../../src/web/client/vtt-cues.js');
  const { normalizeVtt } = await import('../../../src/transcode/webvtt.js');
  const body = normalizeVtt('1\n00:00:04,021 --> 00:00:06,521\nHello from the middle\n\n2\n01:00:14,021 --> 01:00:15,021 line:0\nSecond\ncue\n\n');
  for (const size of [1, 5, 1000]) {
    const reader = new VttCueReader();
    const cues = [];
    for (let i = 0; i < body.length; i += size) cues.push(...reader.push(body.slice(i, i + size)));
    cues.push(...reader.end());
    assert.deepEqual(cues, [{ start: 4.021, end: 6.521, text: 'Hello from the middle' }, { start: 3614.021, end: 3615.021, text: 'Second\ncue' }], `chunks of ${size}`);
  }
  assert.equal(parseBlock('WEBVTT'), undefined);
  assert.equal(parseBlock('00:00:02.000 --> 00:00:01.000\nbackwards'), undefined);
  assert.equal(parseBlock('00:00:01.000 --> 00:00:02.000\n'), undefined);
});

test('a conversion position in file time, whether the player honours its timestamps or counts from 0', () => {
  assert.equal(fileTime(40.5, 40), 40.5, 'Chromium shows the stream\'s own timestamps');
  assert.equal(fileTime(0.5, 40), 40.5, 'a player counting from 0');
  assert.equal(fileTime(12, 0), 12);
  assert.equal(fileTime(39.2, 40), 39.2, 'a first frame just before t is still file time');
});
