import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSubtitleIndex, subtitlesFromIndex } from '../../../src/server/subtitle-index.js';

/** The scan the index replaces, kept here as the reference it must agree with. */
function scan(files: Array<{ index: number; name: string }>, videoIndex: number) {
  const dirname = (n: string) => (n.includes('/') ? n.slice(0, n.lastIndexOf('/')) : '.');
  const stem = (n: string) => {
    const base = n.slice(n.lastIndexOf('/') + 1);
    const dot = base.lastIndexOf('.');
    return (dot > 0 ? base.slice(0, dot) : base).toLowerCase();
  };
  const isSub = (n: string) => /\.(srt|vtt)$/i.test(n);
  const video = files.find((f) => f.index === videoIndex)!;
  const dir = dirname(video.name);
  const siblings = files.filter((f) => f.index !== videoIndex && isSub(f.name));
  const sameDir = siblings.filter((f) => dirname(f.name) === dir);
  const named = sameDir.filter((f) => stem(f.name).startsWith(stem(video.name)));
  const onlyVideo = files.filter((f) => dirname(f.name) === dir && /\.(mkv|mp4)$/i.test(f.name)).length === 1;
  const subDirs = siblings.filter((f) => /(^|\/)(subs?|subtitles?)\//i.test(f.name) && dirname(dirname(f.name)) === dir);
  return (named.length ? named : onlyVideo ? [...sameDir, ...subDirs] : []).map((f) => f.index);
}

test('the index answers what a scan of every file answers, in the list\'s order', () => {
  const names = [
    'T/S01/Show.S01E01.mkv', 'T/S01/Show.S01E01.en.srt', 'T/S01/Show.S01E02.mkv', 'T/S01/show.s01e02.FR.vtt', 'T/S01/Show.S01E01.de.srt',
    'T/Movie/Film.mp4', 'T/Movie/Subs/English.srt', 'T/Movie/notes.txt', 'T/Movie/other.srt',
    'T/Two/a.mkv', 'T/Two/b.mkv', 'T/Two/x.srt',
    'T/Show.S01E01.mkv', 'T/Show.S01E01x.srt', 'T/Show.S01E0.srt',
  ];
  const files = names.map((name, i) => ({ index: i * 3 + 1, name }));
  const index = buildSubtitleIndex(files);
  for (const f of files.filter((x) => /\.(mkv|mp4)$/.test(x.name))) {
    assert.deepEqual(subtitlesFromIndex(index, f.index, Infinity).map((s) => s.index), scan(files, f.index), f.name);
  }
  assert.deepEqual(subtitlesFromIndex(index, 999, 16), []);
});

test('a video costs what it returns: at most the limit, whatever the folder holds', () => {
  const files = [{ index: 0, name: 'T/v.mkv' }, ...Array.from({ length: 5_000 }, (_, i) => ({ index: i + 1, name: `T/v.${i}.srt` }))];
  const found = subtitlesFromIndex(buildSubtitleIndex(files), 0, 16);
  assert.equal(found.length, 16);
  assert.deepEqual(found.map((s) => s.index), found.map((s) => s.index).sort((a, b) => a - b));
});
