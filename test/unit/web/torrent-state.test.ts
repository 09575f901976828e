import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, isPlayable, reduce, torrentFromApi, torrentsFromApi, type RemoteState } from '../../../src/web/client/torrent-state.js';
import type { AppEvent } from '../../../src/events.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const time = '2026-01-01T00:00:00.000Z';
const ev = (e: AppEvent): { type: 'event'; event: AppEvent } => ({ type: 'event', event: e });

test('torrentFromApi reads the catalog shape and rejects non-torrents', () => {
  const t = torrentFromApi({ infoHash: A.toUpperCase(), name: 'Movie', length: 100, downloaded: 100, ready: true, files: [{ index: 0, name: 'm.mp4', length: 100, mime: 'video/mp4', url: 'http://x' }] });
  assert.deepEqual(t, { infoHash: A, name: 'Movie', files: [{ index: 0, name: 'm.mp4', length: 100, mime: 'video/mp4' }], length: 100, downloaded: 100, speed: 0, peers: 0, timeLeft: null, spiesBlocked: 0, done: true });
  assert.equal(torrentFromApi({ name: 'no hash' }), undefined);
  assert.equal(torrentFromApi(null), undefined);
  assert.equal(torrentFromApi({ infoHash: B, name: '' })?.name, B, 'a nameless torrent shows its hash');
  assert.equal(torrentsFromApi({ torrents: [{ infoHash: A }, 'junk'] }).length, 1);
  assert.equal(torrentsFromApi([{ infoHash: A }, { infoHash: B }]).length, 2);
  assert.deepEqual(torrentsFromApi('nope'), []);
});

test('events build a torrent: metadata, progress, spies, done', () => {
  let s: RemoteState = reduce(initialState, { type: 'added', torrent: torrentFromApi({ infoHash: A })! });
  s = reduce(s, ev({ event: 'metadata', time, infoHash: A, name: 'Film', files: [{ index: 0, name: 'f.mkv', length: 60, url: 'u' }, { index: 1, name: 'n.txt', length: 40, url: 'u' }] }));
  assert.equal(s.torrents[0]!.name, 'Film');
  assert.equal(s.torrents[0]!.length, 100, 'length from the files until progress says');
  s = reduce(s, ev({ event: 'progress', time, infoHash: A, downloaded: 50, length: 100, speed: 10, peers: 3, timeLeft: 5 }));
  assert.deepEqual({ ...s.torrents[0]!, files: [] }, { infoHash: A, name: 'Film', files: [], length: 100, downloaded: 50, speed: 10, peers: 3, timeLeft: 5, spiesBlocked: 0, done: false });
  s = reduce(s, ev({ event: 'spy', time, ip: '1.2.3.4', reason: 'decoy', infoHash: A }));
  s = reduce(s, ev({ event: 'spy', time, ip: '1.2.3.5', reason: 'decoy' }));
  s = reduce(s, ev({ event: 'spy', time, ip: '1.2.3.6', reason: 'decoy', infoHash: B }));
  assert.equal(s.torrents[0]!.spiesBlocked, 1);
  assert.equal(s.spiesSeen, 3);
  assert.equal(s.torrents.length, 1, 'a spy for an unknown torrent does not invent one');
  s = reduce(s, ev({ event: 'done', time, infoHash: A }));
  assert.equal(s.torrents[0]!.done, true);
  assert.equal(s.torrents[0]!.downloaded, 100);
  assert.equal(s.torrents[0]!.speed, 0);
});

test('progress for a torrent added elsewhere (CLI) appears; removal and errors', () => {
  let s = reduce(initialState, ev({ event: 'progress', time, infoHash: B.toUpperCase(), downloaded: 10, length: 10, speed: 5, peers: 1, timeLeft: 0 }));
  assert.equal(s.torrents[0]!.infoHash, B);
  assert.equal(s.torrents[0]!.done, true);
  assert.equal(s.torrents[0]!.speed, 0, 'no speed shown once complete');
  s = reduce(s, { type: 'removed', infoHash: B });
  assert.equal(s.torrents.length, 0);
  s = reduce(s, ev({ event: 'error', time, message: 'disk full' }));
  assert.equal(s.lastError, 'disk full');
  s = reduce(s, ev({ event: 'cast', time, device: 'TV', state: 'playing' }));
  assert.deepEqual(s.lastCast, { device: 'TV', state: 'playing', reason: undefined });
  const before = s;
  assert.equal(reduce(s, ev({ event: 'peer', time, ip: '1.1.1.1', port: 1, infoHash: B, state: 'connected' })), before, 'peer events change nothing shown');
});

test('a fresh listing keeps live counters the list already had', () => {
  let s = reduce(initialState, ev({ event: 'progress', time, infoHash: A, downloaded: 70, length: 100, speed: 9, peers: 4, timeLeft: 3 }));
  s = reduce(s, ev({ event: 'spy', time, ip: '1.2.3.4', reason: 'x', infoHash: A }));
  s = reduce(s, { type: 'loaded', torrents: [torrentFromApi({ infoHash: A, name: 'Listed', length: 100, downloaded: 60, files: [{ index: 0, name: 'x.mp4', length: 100 }] })!] });
  const t = s.torrents[0]!;
  assert.equal(t.name, 'Listed');
  assert.equal(t.downloaded, 70, 'never goes backwards');
  assert.equal(t.peers, 4);
  assert.equal(t.spiesBlocked, 1);
  assert.equal(t.files.length, 1);
});

test('isPlayable: by MIME type when known, by extension otherwise', () => {
  assert.equal(isPlayable({ index: 0, name: 'x.bin', length: 1, mime: 'video/mp4' }), true);
  assert.equal(isPlayable({ index: 0, name: 'x.mp4', length: 1, mime: 'text/plain' }), false);
  assert.equal(isPlayable({ index: 0, name: 'Show/E01.MKV', length: 1 }), true);
  assert.equal(isPlayable({ index: 0, name: 'readme.txt', length: 1 }), false);
});

test('a paused torrent says why, from the listing and from events, until it resumes', () => {
  const listedPaused = torrentFromApi({ infoHash: A, name: 'Film', length: 100, downloaded: 30, paused: 'disk full' })!;
  assert.equal(listedPaused.paused, 'disk full');
  assert.equal(torrentFromApi({ infoHash: A, paused: null })!.paused, undefined, 'null: running');
  let s: RemoteState = reduce(initialState, { type: 'added', torrent: torrentFromApi({ infoHash: A, name: 'Film', length: 100 })! });
  s = reduce(s, ev({ event: 'progress', time, infoHash: A, downloaded: 30, length: 100, speed: 10, peers: 3, timeLeft: 7 }));
  s = reduce(s, ev({ event: 'paused', time, infoHash: A, reason: 'disk full', message: 'torrent paused: no room' }));
  assert.equal(s.torrents[0]!.paused, 'disk full');
  assert.equal(s.torrents[0]!.speed, 0);
  s = reduce(s, ev({ event: 'resumed', time, infoHash: A }));
  assert.equal('paused' in s.torrents[0]!, false);
  s = reduce(s, { type: 'loaded', torrents: [listedPaused] });
  assert.equal(s.torrents[0]!.paused, 'disk full', 'a fresh listing carries the state too');
});

test('fileCount: read from the API and from metadata, kept when a listing carries no files', () => {
  const listed = torrentFromApi({ infoHash: A, name: 'Big', files: [{ index: 0, name: 'a.mp4', length: 5 }], fileCount: 50_000 })!;
  assert.equal(listed.fileCount, 50_000);
  assert.equal(torrentFromApi({ infoHash: A, fileCount: -1 })!.fileCount, undefined, 'not a count');
  let s: RemoteState = reduce(initialState, { type: 'added', torrent: torrentFromApi({ infoHash: A })! });
  s = reduce(s, ev({ event: 'metadata', time, infoHash: A, name: 'Big', files: [{ index: 0, name: 'a.mp4', length: 5, url: 'u' }], fileCount: 50_000 }));
  assert.equal(s.torrents[0]!.fileCount, 50_000);
  assert.equal(s.torrents[0]!.length, 0, 'the first files do not make the length: progress says it');
  s = reduce(s, { type: 'loaded', torrents: [torrentFromApi({ infoHash: A, name: 'Big', files: [] })!] });
  assert.equal(s.torrents[0]!.fileCount, 50_000);
  assert.equal(s.torrents[0]!.files.length, 1);
});
