import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FILE_PAGE, MAX_FILE_PAGE, parseFilePageQuery, parseFilesLimit } from '../../../src/server/file-query.js';
import { MAX_FILE_QUERY_LENGTH } from '../../../src/web/client/file-search.js';

test('?files= is a count or all, else the route default', () => {
  assert.deepEqual(parseFilesLimit(undefined, 7), { ok: true, value: 7 });
  assert.deepEqual(parseFilesLimit('all', 7), { ok: true, value: Infinity });
  assert.deepEqual(parseFilesLimit('0', 7), { ok: true, value: 0 });
  for (const bad of ['-1', '1.5', 'ten', '', '1e3', '1234567890', ['1', '2']]) assert.equal(parseFilesLimit(bad, 7).ok, false, JSON.stringify(bad));
});

test('a page query is bounded: offset, limit up to the maximum, a short search given once', () => {
  assert.deepEqual(parseFilePageQuery({}), { ok: true, value: { offset: 0, limit: DEFAULT_FILE_PAGE, q: '' } });
  assert.deepEqual(parseFilePageQuery({ offset: '49950', limit: '50', q: 'episode' }), { ok: true, value: { offset: 49_950, limit: 50, q: 'episode' } });
  assert.equal(parseFilePageQuery({ limit: String(MAX_FILE_PAGE + 1) }).ok, false);
  assert.equal(parseFilePageQuery({ offset: '-5' }).ok, false);
  assert.equal(parseFilePageQuery({ q: 'x'.repeat(MAX_FILE_QUERY_LENGTH + 1) }).ok, false);
  assert.equal(parseFilePageQuery({ q: ['a', 'b'] }).ok, false);
});

test('?media=true pages the video and audio files only; anything but true or false is refused', () => {
  assert.deepEqual(parseFilePageQuery({ media: 'true', limit: '500' }), { ok: true, value: { offset: 0, limit: 500, q: '', media: true } });
  assert.deepEqual(parseFilePageQuery({ media: 'false' }), { ok: true, value: { offset: 0, limit: DEFAULT_FILE_PAGE, q: '' } });
  assert.equal(parseFilePageQuery({ media: 'yes' }).ok, false);
  assert.equal(parseFilePageQuery({ media: ['true', 'true'] }).ok, false);
});
