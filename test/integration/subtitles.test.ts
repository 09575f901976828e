/** Subtitles next to a video reach TVs as WebVTT: the cast media lists them, ?format=vtt converts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { castMedia } from '../../src/server/cast-media.js';
import { closesAfter } from '../sim/cleanup.js';

const SRT = '1\r\n00:00:01,500 --> 00:00:03,000\r\nHello <b>there</b>\r\n\r\n2\r\n00:01:02,25 --> 00:01:04,000\r\nSecond line\r\n';

test('cast media carries the .srt next to the video as a tokenised WebVTT track that converts', async (t) => {
  const own = closesAfter(t);
  const video = Buffer.alloc(300_000, 7);
  const fx = await makeFixture({
    name: 'Film',
    files: [{ name: 'Film.mp4', length: video.length }, { name: 'Film.en.srt', length: Buffer.byteLength(SRT) }, { name: 'notes.txt', length: 5 }],
    contents: [video, Buffer.from(SRT), Buffer.from('notes')],
  });
  const world = own(await startWorld({ fixtures: [fx] }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, host: '127.0.0.1' }));
  await svc.manager.add(fx.infoHash);
  const session = svc.manager.session(fx.infoHash)!;
  await session.ready;
  // create-torrent orders files by name, so look them up rather than assume.
  const at = (suffix: string) => session.files.findIndex((f) => f.name.endsWith(suffix));
  const media = castMedia({ manager: svc.manager, streamUrl: svc.auth.streamUrl, baseUrlFor: () => svc.baseUrl })(fx.infoHash, at('Film.mp4'), '127.40.0.9');
  assert.equal(media.contentType, 'video/mp4');
  assert.equal(media.sizeBytes, video.length);
  assert.equal(media.subtitles?.length, 1);
  const track = media.subtitles![0]!;
  assert.equal(track.language, 'en');
  assert.match(track.url, new RegExp(`/stream/[0-9a-f]{40}/${at('.srt')}\\?st=[^&]+&format=vtt$`));
  const res = await fetch(track.url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/vtt; charset=utf-8');
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.equal(await res.text(), 'WEBVTT\n\n1\n00:00:01.500 --> 00:00:03.000\nHello <b>there</b>\n\n2\n00:01:02.250 --> 00:01:04.000\nSecond line\n');
  const notSub = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/${at('notes.txt')}?format=vtt`);
  assert.equal(notSub.status, 400);
});
