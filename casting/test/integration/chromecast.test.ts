import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startDiscovery, connect, CastError, type DeviceInfo } from '../../src/index.js';
import { startFakeChromecast } from '../sim/fake-chromecast.js';
import { startMediaServer } from '../sim/media-server.js';
import { closesAfter } from '../sim/cleanup.js';

const LOOPBACK_MDNS = { interface: '127.0.0.1', bind: '0.0.0.0' };

test('discovers a fake Chromecast over mDNS, drives it, and sees it expire when it vanishes', async (t) => {
  const video = randomBytes(512 * 1024);
  const own = closesAfter(t);
  const media = own(
    await startMediaServer('127.40.0.1', {
      '/stream/movie.mp4': { body: video, contentType: 'video/mp4' },
      '/subs/en.vtt': { body: Buffer.from('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n'), contentType: 'text/vtt' },
    }),
  );
  let fakeClosed = false;
  const fake = own(await startFakeChromecast({ host: '127.40.0.5', name: 'TL Fake Cast' }), (f) => (fakeClosed ? undefined : f.close()));
  const discovery = own(await startDiscovery({ dlna: false, mdnsSocket: LOOPBACK_MDNS, searchIntervalMs: 300, expireAfterMs: 1500 }));

  const device: DeviceInfo = await discovery.waitFor('TL Fake Cast', 5000);
  assert.equal(device.id, `chromecast:${fake.id}`);
  assert.equal(device.kind, 'chromecast');
  assert.equal(device.address, '127.40.0.5');
  assert.equal(device.port, fake.port);
  assert.equal(device.model, 'Chromecast');
  assert.deepEqual(discovery.find(device.id)?.name, 'TL Fake Cast');

  const target = own(await connect(device, { timeoutMs: 3000 }));
  assert.equal((await target.status()).state, 'idle');

  const url = media.url('/stream/movie.mp4');
  const subtitleUrl = media.url('/subs/en.vtt');
  await target.load({ url, title: 'Big <Buck> & "Bunny"', contentType: 'video/mp4', durationSeconds: 600, posterUrl: media.url('/poster.jpg'), subtitles: [{ url: subtitleUrl, language: 'en', label: 'English' }] });

  const launch = fake.received.find((m) => m.data.type === 'LAUNCH');
  assert.equal(launch?.data.appId, 'CC1AD845');
  const load = fake.received.find((m) => m.data.type === 'LOAD');
  assert.ok(load, 'the fake got a LOAD');
  const loadMedia = load.data.media as Record<string, unknown>;
  assert.equal(loadMedia.contentId, url);
  assert.equal(loadMedia.contentType, 'video/mp4');
  assert.equal((loadMedia.metadata as Record<string, unknown>).title, 'Big <Buck> & "Bunny"');
  const tracks = loadMedia.tracks as Array<Record<string, unknown>>;
  assert.equal(tracks.length, 1);
  assert.equal(tracks[0]!.trackContentId, subtitleUrl);
  assert.equal(tracks[0]!.trackContentType, 'text/vtt');
  assert.equal(tracks[0]!.language, 'en');
  assert.deepEqual(load.data.activeTrackIds, [1]);
  assert.ok(fake.fetchedBytes() > 0, 'the fake fetched video bytes');
  assert.ok(media.requests.some((r) => r.path === '/stream/movie.mp4' && r.from === '127.40.0.5'), 'the media server saw the fake GET the stream');

  let status = await target.status();
  assert.equal(status.state, 'playing');
  assert.equal(status.durationSeconds, 600);

  await target.pause();
  assert.equal((await target.status()).state, 'paused');
  assert.equal(fake.state.playerState, 'PAUSED');

  await target.seek(42);
  status = await target.status();
  assert.ok(Math.abs(status.positionSeconds - 42) < 0.5, `position after seek is ${status.positionSeconds}`);

  await target.play();
  assert.equal((await target.status()).state, 'playing');

  await target.setVolume(0.3);
  assert.equal(fake.state.volume, 0.3);
  assert.equal((await target.status()).volume, 0.3);

  await target.stop();
  assert.equal((await target.status()).state, 'stopped');
  await assert.rejects(target.setVolume(2), RangeError);

  // The device vanishes: discovery drops it after expireAfterMs, and a new connection fails fast.
  const gone = new Promise<void>((resolve) => {
    const off = discovery.onChange((list) => {
      if (!list.some((d) => d.id === device.id)) {
        off();
        resolve();
      }
    });
  });
  await fake.close();
  fakeClosed = true;
  const vanishedAt = Date.now();
  await gone;
  assert.ok(Date.now() - vanishedAt < 4000, 'expired within a few seconds');
  assert.equal(discovery.find(device.id), undefined);

  const started = Date.now();
  await assert.rejects(connect(device, { timeoutMs: 2000 }), (err: unknown) => {
    assert.ok(err instanceof CastError);
    assert.match(err.code, /E_DEVICE_REFUSED|E_DEVICE_UNREACHABLE/);
    assert.match(err.message, /127\.40\.0\.5/);
    return true;
  });
  assert.ok(Date.now() - started < 1500, 'a vanished device is reported at once, not after a timeout');
});
