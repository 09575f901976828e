import test from 'node:test';
import assert from 'node:assert/strict';
import { findSubtitles } from '../../../src/server/cast-media.js';

const files = (names: string[]) => names.map((name, index) => ({ index, name }));

test('findSubtitles: same-stem siblings with language tags', () => {
  const f = files(['Show/Movie.mkv', 'Show/Movie.en.srt', 'Show/Movie.FR.vtt', 'Show/Other.mkv', 'Show/Other.srt', 'Show/readme.txt']);
  assert.deepEqual(findSubtitles(f, 0), [
    { index: 1, language: 'en', label: 'en' },
    { index: 2, language: 'fr', label: 'fr' },
  ]);
  assert.deepEqual(findSubtitles(f, 3).map((s) => s.index), [4]);
});

test('findSubtitles: a lone video takes the folder subtitles and a Subs/ folder; nothing for non-matching names otherwise', () => {
  assert.deepEqual(findSubtitles(files(['M/film.mp4', 'M/English.srt', 'M/Subs/Spanish.srt']), 0).map((s) => [s.index, s.label]), [[1, 'english'], [2, 'spanish']]);
  assert.deepEqual(findSubtitles(files(['a.mp4', 'b.mp4', 'c.srt']), 0), []);
  assert.deepEqual(findSubtitles(files(['a.mp4', 'a.srt']), 0), [{ index: 1, language: 'und', label: 'Subtitles' }]);
  assert.deepEqual(findSubtitles(files(['a.mp4']), 5), []);
});
