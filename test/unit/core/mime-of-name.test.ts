import { test } from 'node:test';
import assert from 'node:assert/strict';
import mime from 'mime';
import { mimeTypeOfName } from '../../../src/core/mime-of-name.js';

test('a name\'s type is what mime.getType says, remembered per extension', () => {
  const names = [
    'a/b.mp4', 'mp4', 'a/mp4', 'a\\b.MKV', 'x.', 'a/.mp4', '.mp4', 'a/b/c', 'b.tar.gz', 'a/b.srt', 'dir.mp4/file', 'a\\b/c.webm',
    '', '/', 'a/', 'Show/S01/E01.MP4', 'noext', 'a/b.unknownext', 'a.b/c.d.flac', 'x..mkv', 'a/b.', '..', 'a/..mkv',
  ];
  for (const round of [1, 2]) {
    for (const n of names) assert.equal(mimeTypeOfName(n), mime.getType(n), `${JSON.stringify(n)} (round ${round})`);
  }
});
