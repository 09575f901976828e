import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countMediaFiles, mediaPositions, VIDEO_CLASS } from '../../../src/adapters/media-files.js';
import { HASH_A, torrent } from './helpers.js';

test('media positions: where the video and audio files are, found once per file list', () => {
  const t = torrent(HASH_A, 'Show', [
    ['Show/a.txt', 'text/plain'],
    ['Show/e01.mkv', 'video/x-matroska'],
    ['Show/theme.mp3', 'audio/mpeg'],
    ['Show/e01.srt', 'application/x-subrip'],
    ['Show/e02.mp4', 'video/mp4'],
  ]);
  const positions = mediaPositions(t.files);
  assert.deepEqual(positions, { all: [1, 2, 4], videos: 2 });
  assert.equal(mediaPositions(t.files), positions, 'the same list answers from what was found');
  assert.deepEqual([countMediaFiles(t), countMediaFiles(t, VIDEO_CLASS), countMediaFiles(t, 'object.item.audioItem.musicTrack')], [3, 2, 1]);
});
