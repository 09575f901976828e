import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extinfSeconds, buildM3u } from '../../../src/adapters/m3u.js';
import { exportStrm, insideDir, sanitizeSegment, strmRelativePath } from '../../../src/adapters/strm.js';
import { HASH_A, HASH_B, torrent, urlFor } from './helpers.js';

test('M3U: #EXTM3U, one EXTINF + URL per video/audio file, grouped by torrent, no line injection', () => {
  const evil = torrent(HASH_A, 'Evil "Show"\n#EXTINF:-1,pwn', [
    ['Evil "Show"\n#EXTINF:-1,pwn/e01,\r\nhttp://attacker/x.mkv', 'video/x-matroska'],
    ['Evil "Show"\n#EXTINF:-1,pwn/readme.txt', 'text/plain'],
    ['Evil "Show"\n#EXTINF:-1,pwn/song.mp3', 'audio/mpeg'],
  ]);
  const text = buildM3u([evil, torrent(HASH_B, 'clip.mp4', [['clip.mp4', 'video/mp4']])], urlFor);
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], '#EXTM3U');
  assert.equal(lines.length, 1 + 3 * 2, 'three media files, two lines each');
  assert.equal(lines.filter((l) => l.startsWith('#EXTINF')).length, 3);
  assert.equal(lines[1], `#EXTINF:-1 tvg-id="${HASH_A}-0" tvg-name="e01, http://attacker/x.mkv" group-title="Evil 'Show' #EXTINF:-1,pwn",e01, http://attacker/x.mkv`);
  assert.equal(lines[2], urlFor(HASH_A, 0));
  assert.equal(lines[4], urlFor(HASH_A, 2));
  assert.equal(lines[5], `#EXTINF:-1 tvg-id="${HASH_B}-0" tvg-name="clip.mp4" group-title="clip.mp4",clip.mp4`);
  assert.ok(lines.filter((l) => !l.startsWith('#')).every((l) => l.startsWith('http://127.60.0.1:8888/stream/')));
});

test('strm names: sanitised segments, no traversal, reserved names and empties replaced', () => {
  assert.equal(sanitizeSegment('../..', 'x'), '_');
  assert.equal(sanitizeSegment('..', 'x'), 'x');
  assert.equal(sanitizeSegment('a/b\\c:d*e?f"g<h>i|j', 'x'), 'a_b_c_d_e_f_g_h_i_j');
  assert.equal(sanitizeSegment(' .hidden. ', 'x'), 'hidden');
  assert.equal(sanitizeSegment('CON.txt', 'x'), '_CON.txt');
  assert.equal(sanitizeSegment('\u0000\u0007', 'x'), 'x');
  assert.equal(sanitizeSegment('a'.repeat(500), 'x').length, 120);
  assert.equal(strmRelativePath('Show', 'Season 1/e01.mkv', HASH_A, 0), 'Show/Season 1/e01.strm');
  assert.equal(strmRelativePath('..', '../../../etc/passwd.mkv', HASH_A, 3), `${HASH_A}/etc/passwd.strm`);
  assert.equal(strmRelativePath('/abs', '/abs/x.mkv', HASH_A, 0), '_abs/abs/x.strm');
  assert.throws(() => insideDir('/tmp/lib', '../escape.strm'), /outside/);
  assert.throws(() => insideDir('/tmp/lib', '/etc/x.strm'), /outside/);
  assert.equal(insideDir('/tmp/lib', 'a/b.strm'), path.resolve('/tmp/lib/a/b.strm'));
});

test('exportStrm writes one .strm per video file with the tokenised URL, atomically, inside DIR', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-strm-'));
  try {
    const catalog = {
      list: (base: string) => {
        assert.equal(base, 'http://127.60.0.1:8888');
        return [
          torrent(HASH_A, '../Show', [['../Show/Season 1/e01.mkv', 'video/x-matroska'], ['../Show/Season 1/e01.srt', 'application/x-subrip'], ['../Show/theme.mp3', 'audio/mpeg'], ['../Show/Season 1/e01.mp4', 'video/mp4']]),
          torrent(HASH_B, 'clip.mp4', [['clip.mp4', 'video/mp4']]),
        ];
      },
    };
    const auth = { streamUrl: (b: string, h: string, i: number) => `${b}/stream/${h}/${i}?st=t${i}` };
    const written = await exportStrm(catalog, auth, 'http://127.60.0.1:8888', dir);
    const rel = written.map((p) => path.relative(dir, p));
    assert.deepEqual(rel, [path.join('_Show', 'Season 1', 'e01.strm'), path.join('_Show', 'Season 1', 'e01 (3).strm'), path.join('clip', 'clip.strm').replace('clip/', 'clip.mp4/')]);
    assert.equal(fs.readFileSync(written[0]!, 'utf8'), `http://127.60.0.1:8888/stream/${HASH_A}/0?st=t0\n`);
    assert.equal(fs.readFileSync(written[1]!, 'utf8'), `http://127.60.0.1:8888/stream/${HASH_A}/3?st=t3\n`);
    const all = fs.readdirSync(dir, { recursive: true }).map(String);
    assert.equal(all.some((p) => p.endsWith('.tmp')), false, 'no temp files left');
    assert.ok(written.every((p) => p.startsWith(dir + path.sep)));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('M3U: EXTINF carries the probed length in whole seconds, -1 until a file is probed', () => {
  const show = torrent(HASH_A, 'Show', [['Show/e01.mkv', 'video/x-matroska'], ['Show/e02.mkv', 'video/x-matroska']]);
  const m3u = buildM3u([show], urlFor, (_h, i) => (i === 0 ? 1325.6 : undefined));
  const extinf = m3u.split('\n').filter((l) => l.startsWith('#EXTINF:'));
  assert.deepEqual(extinf.map((l) => l.split(' ')[0]), ['#EXTINF:1326', '#EXTINF:-1']);
  assert.equal(extinfSeconds(Number.NaN), '-1');
  assert.equal(extinfSeconds(0), '-1');
});
