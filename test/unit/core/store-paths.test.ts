import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import bencode from 'bencode';
import { resolveAllInStore, resolveInStore, safeRelativePath, sanitizeSegment, storeFilePaths } from '../../../src/core/store-paths.js';
import { readInfo } from '../../../src/core/torrent-meta.js';

/** The store paths of an info dictionary, read from .torrent bytes the way the engine reads them. */
function torrentFilePaths(info: { files?: Array<{ path: Buffer[] }> } & Record<string, unknown>): string[] {
  const sized = info.files ? { ...info, files: info.files.map((f) => ({ ...f, length: 1 })) } : { ...info, length: 1 };
  const read = readInfo(bencode.encode({ info: sized }));
  return storeFilePaths(read.name ?? '', read.files?.map((f) => f.path));
}

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

/** The cut as it was, a unit at a time (quadratic): the reference the one-pass cut must equal. */
function cutAUnitAtATime(text: string): string {
  let clean = text;
  while (Buffer.byteLength(clean) > 255) clean = clean.slice(0, -1);
  return clean;
}

test('sanitizeSegment cuts a long name to 255 bytes exactly where the old loop did', () => {
  // 2-, 3- and 4-byte characters straddling the limit at every offset, the 4-byte one split or not.
  for (const unit of ['é', '語', '😀', 'a']) {
    for (let pad = 0; pad < 4; pad++) {
      const name = 'x'.repeat(pad) + unit.repeat(200);
      assert.equal(sanitizeSegment(name), cutAUnitAtATime(name), `${pad} x ${unit}`);
    }
  }
  const huge = 'é'.repeat(2_000_000);
  assert.equal(sanitizeSegment(huge), 'é'.repeat(127));
});

test('torrentFilePaths numbers 50,000 files of one name one after another', () => {
  const b = (s: string): Buffer => Buffer.from(s);
  const files = Array.from({ length: 50_000 }, (_, i) => ({ path: [b(i === 1 ? 'same~3' : 'same')] }));
  const paths = torrentFilePaths({ name: b('T'), files });
  assert.equal(new Set(paths.map((p) => p.toLowerCase())).size, 50_000);
  assert.deepEqual(paths.slice(0, 4), ['T/same', 'T/same~3', 'T/same~2', 'T/same~4']);
  assert.equal(paths.at(-1), 'T/same~50000');
});

test('resolveAllInStore resolves like path.resolve, inside the store', () => {
  const root = path.resolve('/tmp/store-root');
  const names = ['Show/a.mkv', '../x', 'a/./b', 'a//b', 'ü/ß'];
  assert.deepEqual(resolveAllInStore(`${root}/`, names), names.map((n) => path.resolve(root, safeRelativePath(n))));
});

test('sanitizeSegment: names that look plain but are not still get sanitised', () => {
  const cases: Array<[string, string]> = [
    ['aux', '_aux'],
    ['Com1.txt', '_Com1.txt'],
    ['trailing.', 'trailing'],
    ['trailing ', 'trailing'],
    ['tab\t', 'tab_'],
    ['a|b', 'a_b'],
    ['x'.repeat(300), 'x'.repeat(255)],
    ['episode 1.mp4', 'episode 1.mp4'],
  ];
  for (const [input, expected] of cases) assert.equal(sanitizeSegment(input), expected, JSON.stringify(input));
  assert.equal(safeRelativePath('a//b///c/./d'), 'a/b/c/d');
});
