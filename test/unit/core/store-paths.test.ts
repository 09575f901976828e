import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { resolveInStore, safeRelativePath, sanitizeSegment, torrentFilePaths } from '../../../src/core/store-paths.js';

test('sanitizeSegment neutralises dots, control characters and reserved names', () => {
  const cases: Array<[string, string]> = [
    ['movie.mp4', 'movie.mp4'],
    ['..', '_'],
    ['.', '_'],
    ['', '_'],
    ['a\u0000b', 'a_b'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['what?.mkv', 'what_.mkv'],
    ['trailing. ', 'trailing'],
  ];
  for (const [input, expected] of cases) assert.equal(sanitizeSegment(input), expected, JSON.stringify(input));
  assert.ok(Buffer.byteLength(sanitizeSegment('é'.repeat(300))) <= 255);
});

test('safeRelativePath drops traversal and absolute prefixes', () => {
  assert.equal(safeRelativePath('../../etc/passwd'), '_/_/etc/passwd');
  assert.equal(safeRelativePath('/etc/passwd'), 'etc/passwd');
  assert.equal(safeRelativePath('C:\\Windows\\x.dll'), 'C_/Windows/x.dll');
  assert.equal(safeRelativePath('Show/Season 1/e01.mkv'), 'Show/Season 1/e01.mkv');
});

test('resolveInStore always lands inside the store', () => {
  const root = path.resolve('/tmp/store-root');
  for (const hostile of ['../../x', '/abs/x', 'a/../../../x', '..\\..\\x', '\u0000/x']) {
    const full = resolveInStore(root, hostile);
    assert.ok(full.startsWith(root + path.sep), `${hostile} -> ${full}`);
  }
});

test('torrentFilePaths keeps a multi-file torrent in its own folder, whatever its segments say', () => {
  const b = (s: string): Buffer => Buffer.from(s);
  const paths = torrentFilePaths({
    name: b('Show'),
    files: [{ path: [b('..'), b('pairing-token')] }, { path: [b('..'), b('..'), b('.torrent-live'), b('x')] }, { path: [b('a?')] }, { path: [b('a_')] }, { path: [b('A_')] }],
  });
  assert.deepEqual(paths, ['Show/_/pairing-token', 'Show/_/_/.torrent-live/x', 'Show/a_', 'Show/a_~2', 'Show/A_~3']);
  assert.deepEqual(torrentFilePaths({ name: b('..') }), ['_']);
  assert.deepEqual(torrentFilePaths({ name: b('x'), 'name.utf-8': b('CON.mkv') }), ['_CON.mkv']);
});
