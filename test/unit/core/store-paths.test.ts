import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { resolveInStore, safeRelativePath, sanitizeSegment } from '../../../src/core/store-paths.js';

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
