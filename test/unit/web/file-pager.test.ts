import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FILE_PAGE_SIZE, holdsAllFiles, isPaged, localPage, pageFromApi, pageLabel, pagePath, turnPage, withQuery } from '../../../src/web/client/file-pager.js';
import { torrentFromApi } from '../../../src/web/client/torrent-state.js';

const H = 'a'.repeat(40);
const some = Array.from({ length: FILE_PAGE_SIZE }, (_, i) => ({ index: i, name: `e${i}.mp4`, length: 1 }));

test('a torrent is paged past one page of files, and asks the server when it holds only some', () => {
  const big = torrentFromApi({ infoHash: H, files: some, fileCount: 50_000 })!;
  assert.equal(isPaged(big), true);
  assert.equal(holdsAllFiles(big), false);
  const small = torrentFromApi({ infoHash: H, files: some.slice(0, 3) })!;
  assert.equal(isPaged(small), false);
  const olderServer = torrentFromApi({ infoHash: H, files: [...some, ...some.map((f) => ({ ...f, index: f.index + FILE_PAGE_SIZE }))] })!;
  assert.equal(isPaged(olderServer) && holdsAllFiles(olderServer), true, 'every file, no fileCount: paged locally');
  assert.deepEqual(localPage(olderServer, { query: '', offset: FILE_PAGE_SIZE }).files.map((f) => f.index)[0], FILE_PAGE_SIZE);
});

test('pages turn within the matches; a new search starts at the first page', () => {
  assert.deepEqual(turnPage({ query: '', offset: 0 }, -1, 120), { query: '', offset: 0 });
  assert.deepEqual(turnPage({ query: '', offset: 0 }, 1, 120), { query: '', offset: 50 });
  assert.deepEqual(turnPage({ query: '', offset: 100 }, 1, 120), { query: '', offset: 100 });
  assert.deepEqual(withQuery({ query: '', offset: 100 }, 'x'.repeat(500)).offset, 0);
  assert.equal(withQuery({ query: '', offset: 0 }, 'x'.repeat(500)).query.length, 200);
});

test('the request, the answer and the label', () => {
  assert.equal(pagePath(H, { query: ' ep 1 ', offset: 50 }), `/api/torrents/${H}/files?offset=50&limit=${FILE_PAGE_SIZE}&q=ep+1`);
  assert.deepEqual(pageFromApi({ matched: 1, offset: 0, files: [{ index: 7, name: 'x.mp4', length: 3, mime: 'video/mp4', url: 'u' }] }), { matched: 1, offset: 0, files: [{ index: 7, name: 'x.mp4', length: 3, mime: 'video/mp4' }] });
  assert.equal(pageFromApi({ error: {} }), undefined);
  assert.equal(pageLabel({ matched: 50_000, offset: 50, files: some }, 50_000, ''), 'Files 51–100 of 50,000');
  assert.equal(pageLabel({ matched: 1, offset: 0, files: some.slice(0, 1) }, 50_000, 'e0'), '1–1 of 1 file matching “e0” (of 50,000)');
  assert.equal(pageLabel({ matched: 0, offset: 0, files: [] }, 50_000, 'zz'), 'No file matches “zz”.');
});
