import { test } from 'node:test';
import assert from 'node:assert/strict';
import { devicesFromApi, remoteView, statusFromApi } from '../../../src/web/client/device-status.js';

test('devicesFromApi keeps well-formed devices and fills gaps', () => {
  assert.deepEqual(devicesFromApi([{ id: 'a', name: 'TV', kind: 'chromecast', address: '10.0.0.2' }, { name: 'no id' }, null, { id: 'b' }]), [
    { id: 'a', name: 'TV', kind: 'chromecast', address: '10.0.0.2' },
    { id: 'b', name: 'b', kind: 'tv', address: '' },
  ]);
  assert.equal(devicesFromApi({ devices: [{ id: 'x' }] }).length, 1);
  assert.deepEqual(devicesFromApi('junk'), []);
});

test('statusFromApi normalises state, clamps volume, zeroes nonsense numbers', () => {
  assert.deepEqual(statusFromApi({ state: 'PLAYING', positionSeconds: 12.5, durationSeconds: 60, volume: 1.7 }), { state: 'playing', positionSeconds: 12.5, durationSeconds: 60, volume: 1 });
  assert.deepEqual(statusFromApi({ state: 'idle', positionSeconds: -3, durationSeconds: 'x' }), { state: 'idle', positionSeconds: 0, durationSeconds: 0, volume: undefined });
  assert.equal(statusFromApi({ positionSeconds: 1 }), undefined);
});

test('remoteView: the big button does the opposite of the reported state', () => {
  const playing = remoteView('TV', { state: 'playing', positionSeconds: 61, durationSeconds: 120, volume: 0.25 });
  assert.deepEqual(playing, { toggle: 'pause', toggleLabel: 'Pause', toggleIcon: '❚❚', canStop: true, canSeek: true, position: '1:01 / 2:00', seekMax: 120, seekValue: 61, volumePercent: 25, summary: 'TV: playing' });
  const paused = remoteView('TV', { state: 'paused', positionSeconds: 5, durationSeconds: 120, volume: undefined });
  assert.equal(paused.toggle, 'play');
  assert.equal(paused.volumePercent, undefined);
  assert.equal(remoteView('TV', { state: 'buffering', positionSeconds: 0, durationSeconds: 0, volume: 1 }).toggle, 'pause');
  const stopped = remoteView('TV', { state: 'stopped', positionSeconds: 0, durationSeconds: 120, volume: 1 });
  assert.equal(stopped.canStop, false);
  assert.equal(stopped.canSeek, false);
  const live = remoteView('TV', { state: 'playing', positionSeconds: 30, durationSeconds: 0, volume: 1 });
  assert.equal(live.canSeek, false, 'no seeking without a known duration');
  assert.equal(remoteView('TV', undefined).summary, 'TV: no status yet');
});
