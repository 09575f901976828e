import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEventData } from '../../../src/web/client/live-events.js';

test('parseEventData accepts the NDJSON events and ignores anything else', () => {
  const progress = { event: 'progress', time: 't', infoHash: 'a', downloaded: 1, length: 2, speed: 0, peers: 0, timeLeft: null };
  assert.deepEqual(parseEventData(JSON.stringify(progress)), progress);
  assert.equal(parseEventData(JSON.stringify({ event: 'spy', time: 't', ip: '1.1.1.1', reason: 'x' }))?.event, 'spy');
  for (const bad of ['not json', 'null', '[]', '{"event":"nope"}', '{"event":"progress","infoHash":"a"}', '{"event":"metadata","infoHash":"a"}', '{"event":"done"}']) {
    assert.equal(parseEventData(bad), undefined, bad);
  }
});

test('parseEventData hears a torrent pause and resume (the remote shows "paused: disk full")', () => {
  const paused = { event: 'paused', time: 't', infoHash: 'a', reason: 'disk full', message: 'torrent a paused' };
  assert.deepEqual(parseEventData(JSON.stringify(paused)), paused);
  assert.equal(parseEventData(JSON.stringify({ event: 'resumed', time: 't', infoHash: 'a' }))?.event, 'resumed');
  for (const bad of ['{"event":"paused","infoHash":"a"}', '{"event":"resumed"}']) assert.equal(parseEventData(bad), undefined, bad);
});
