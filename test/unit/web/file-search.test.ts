import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowerNamesOf, nameMatches, pageOfFiles, searchWords } from '../../../src/web/client/file-search.js';

const files = Array.from({ length: 1_000 }, (_, i) => ({ index: i, name: `Show/season ${Math.floor(i / 100)}/Episode ${i}.mkv` }));

test('a search is its words, each found in the name in any case and order', () => {
  assert.deepEqual(searchWords('  Season  2 '), ['season', '2']);
  assert.equal(nameMatches('Show/S02/E05.mkv', searchWords('e05 s02')), true);
  assert.equal(nameMatches('Show/S02/E05.mkv', searchWords('e06')), false);
  assert.equal(nameMatches('anything', []), true);
});

test('pageOfFiles slices without a search and counts every match with one', () => {
  assert.deepEqual(pageOfFiles(files, '', 990, 50), { matched: 1_000, offset: 990, items: files.slice(990) });
  const page = pageOfFiles(files, 'episode 99', 1, 3);
  assert.equal(page.matched, 19, 'Episode 99, 199..899 and 990..999');
  assert.deepEqual(page.items.map((f) => f.index), [199, 299, 399]);
  assert.deepEqual(pageOfFiles(files, 'nothing like it', 0, 50), { matched: 0, offset: 0, items: [] });
  assert.deepEqual(pageOfFiles(files, 'episode 999', 5, 50).items, [], 'past the matches: an empty page');
});

test('lower-cased names are made once per list and give the same pages', () => {
  const cache = new WeakMap<object, readonly string[]>();
  const lower = lowerNamesOf(files, cache);
  assert.equal(lowerNamesOf(files, cache), lower, 'kept for the same list');
  assert.deepEqual(pageOfFiles(files, 'EPISODE 99', 1, 3, lower), pageOfFiles(files, 'episode 99', 1, 3));
});
