import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deleteTorrentData, isInside } from '../../../src/core/delete-data.js';

function setup(t: { after(fn: () => void): void }): { root: string; downloads: string; outside: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-delete-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const downloads = path.join(root, 'downloads');
  const outside = path.join(root, 'outside');
  fs.mkdirSync(downloads);
  fs.mkdirSync(outside);
  return { root, downloads, outside };
}

function put(dir: string, rel: string, text = 'x'): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
}

test('isInside: the folder itself and what is under it, never a sibling with the same prefix', () => {
  assert.ok(isInside('/s/downloads', '/s/downloads'));
  assert.ok(isInside('/s/downloads', '/s/downloads/a/b'));
  assert.ok(!isInside('/s/downloads', '/s/downloads-other/a'));
  assert.ok(!isInside('/s/downloads', '/s'));
});

test("only the torrent's files go, with the folders they leave empty; a user's file beside them stays", async (t) => {
  const { downloads } = setup(t);
  put(downloads, 'Show/s1/e1.mkv');
  put(downloads, 'Show/s1/e2.mkv');
  put(downloads, 'Show/extra/e3.mkv');
  put(downloads, 'Show/extra/my-notes.txt');
  put(downloads, 'Other/movie.mp4');
  const result = await deleteTorrentData(downloads, ['Show/s1/e1.mkv', 'Show/s1/e2.mkv', 'Show/extra/e3.mkv', 'Show/never-written.srt']);
  assert.deepEqual(result.removed.sort(), ['Show/extra/e3.mkv', 'Show/s1/e1.mkv', 'Show/s1/e2.mkv']);
  assert.ok(!fs.existsSync(path.join(downloads, 'Show/s1')), 'an emptied folder goes');
  assert.ok(fs.existsSync(path.join(downloads, 'Show/extra/my-notes.txt')), 'a file the torrent does not name stays');
  assert.ok(fs.existsSync(path.join(downloads, 'Other/movie.mp4')));
  assert.ok(fs.existsSync(downloads), 'downloads/ itself stays');
});

test('names that climb are resolved inside downloads/, and a folder linking outside is never followed', async (t) => {
  const { root, downloads, outside } = setup(t);
  put(outside, 'secret.txt', 'keep');
  put(root, 'pairing-token', 'keep');
  fs.symlinkSync(outside, path.join(downloads, 'Linked'));
  put(downloads, '_/pairing-token', 'torrent data');
  const result = await deleteTorrentData(downloads, ['../pairing-token', 'Linked/secret.txt']);
  assert.equal(fs.readFileSync(path.join(root, 'pairing-token'), 'utf8'), 'keep', 'the climb is sanitised: `..` becomes `_` inside downloads/');
  assert.equal(fs.existsSync(path.join(downloads, '_/pairing-token')), false);
  assert.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'keep');
  assert.deepEqual(result.kept, ['Linked/secret.txt (its folder leads outside downloads/)']);
});

test('a file that is a link is removed as a link: what it points to stays', async (t) => {
  const { downloads, outside } = setup(t);
  put(outside, 'target.bin', 'keep');
  fs.symlinkSync(path.join(outside, 'target.bin'), path.join(downloads, 'movie.mkv'));
  await deleteTorrentData(downloads, ['movie.mkv']);
  assert.equal(fs.existsSync(path.join(downloads, 'movie.mkv')), false);
  assert.equal(fs.readFileSync(path.join(outside, 'target.bin'), 'utf8'), 'keep');
});

test('files another loaded torrent names are kept', async (t) => {
  const { downloads } = setup(t);
  put(downloads, 'Same/a.mkv');
  put(downloads, 'Same/b.mkv');
  const result = await deleteTorrentData(downloads, ['Same/a.mkv', 'Same/b.mkv'], ['Same/b.mkv']);
  assert.deepEqual(result.removed, ['Same/a.mkv']);
  assert.deepEqual(result.kept, ['Same/b.mkv (another torrent names it too)']);
  assert.ok(fs.existsSync(path.join(downloads, 'Same/b.mkv')));
});
