/**
 * The one playback decision, through the real service on the loopback world: the web player's
 * POST /api/playback turns AC-3 and DTS MKVs into an audio-only conversion for a browser that
 * cannot decode them (and says so in X-Transcode-Decision), an MP4 asked as MP4 is a remux, and
 * the DLNA listing offers each such video twice (original and conversion), each resource's
 * protocolInfo matching what its URL answers, and probed lengths show in /api/torrents and the M3U.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { inspectBody, makeClip, type ClipKind } from '../sim/clips.js';
import { makeFixture, type TorrentFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService, type TestService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';
import { until } from '../sim/wait.js';
import { activeProcesses } from '../../src/transcode/ffmpeg-stream.js';

const SERVICE_HOST = '127.193.0.1';
const CD = 'urn:schemas-upnp-org:service:ContentDirectory:1';
/** What Debian's Chromium reports through canPlayType (src/web/client/abilities.ts measures it). */
const CHROMIUM_ABILITIES = {
  formats: [
    { container: 'mp4', video: ['h264', 'h264-10bit', 'vp9', 'av1'], audio: ['aac', 'mp3', 'opus', 'flac'] },
    { container: 'webm', video: ['vp8', 'vp9', 'av1'], audio: ['opus', 'vorbis'] },
    { container: 'matroska', video: ['h264', 'h264-10bit', 'vp8', 'vp9', 'av1'], audio: ['aac', 'mp3', 'opus', 'vorbis', 'flac'] },
  ],
};
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (n) => n === 'item' || n === 'container' || n === 'res' });

async function clipTorrent(kind: ClipKind): Promise<TorrentFixture> {
  const clip = await makeClip(kind, { seconds: 10 });
  return makeFixture({ name: clip.name, files: [{ name: clip.name, length: clip.bytes.length }], contents: [clip.bytes], pieceLength: 32 * 1024 });
}

async function post(svc: TestService, path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${svc.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function fetchBody(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

async function browse(svc: TestService, objectId: string) {
  const body =
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">` +
    `<s:Body><u:Browse xmlns:u="${CD}"><ObjectID>${objectId}</ObjectID><BrowseFlag>BrowseDirectChildren</BrowseFlag><Filter>*</Filter>` +
    `<StartingIndex>0</StartingIndex><RequestedCount>0</RequestedCount><SortCriteria></SortCriteria></u:Browse></s:Body></s:Envelope>`;
  const res = await fetch(`${svc.baseUrl}/dlna/control/ContentDirectory`, { method: 'POST', headers: { 'content-type': 'text/xml; charset="utf-8"', soapaction: `"${CD}#Browse"` }, body });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return xml.parse(xml.parse(text)['s:Envelope']['s:Body']['u:BrowseResponse'].Result)['DIDL-Lite'];
}

test('AC-3 and DTS MKVs: an audio-only conversion for Chromium, a remux said as such, two DLNA resources each true to its URL', async (t) => {
  const own = closesAfter(t);
  const ac3 = await clipTorrent('h264-ac3-mkv');
  const dts = await clipTorrent('h264-dts-mkv');
  const mp4 = await clipTorrent('h264-aac-mp4');
  const world = own(await startWorld({ fixtures: [ac3, dts, mp4], dhtSize: 30, addressBlock: 191, seederBlock: 192 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, host: SERVICE_HOST }));
  for (const fx of [ac3, dts, mp4]) {
    assert.equal((await post(svc, '/api/torrents', { source: fx.magnet })).status, 201);
    await svc.manager.session(fx.infoHash)!.ready;
  }

  for (const [fx, codec] of [[ac3, 'ac3'], [dts, 'dts']] as const) {
    const plan = await post(svc, '/api/playback', { infoHash: fx.infoHash, fileIndex: 0, abilities: CHROMIUM_ABILITIES });
    assert.equal(plan.status, 200, JSON.stringify(plan.json));
    assert.equal(plan.json['mode'], 'audio', codec);
    assert.equal(plan.json['url'], `/stream/${fx.infoHash}/0?transcode=mp4&device=browser`);
    assert.equal(plan.json['seek'], 'restart');
    assert.ok(Math.abs((plan.json['durationSeconds'] as number) - 10) < 0.5);
    assert.deepEqual(plan.json['decision'], { action: 'transcode', container: 'mp4', video: 'copy', audio: 'aac', reason: plan.json['reason'] });
    assert.match(plan.json['reason'] as string, new RegExp(`cannot play ${codec} audio`));
    assert.equal((plan.json['audioTracks'] as Array<{ codec: string }>)[0]?.codec, codec);
    const out = await fetchBody(`${svc.baseUrl}${plan.json['url'] as string}`);
    assert.equal(out.status, 200);
    assert.equal(out.headers.get('x-transcode-decision'), 'transcode; container=mp4; video=copy; audio=aac', codec);
    const media = await inspectBody(out.body, 'mp4');
    assert.deepEqual(media.codecs, ['h264', 'aac'], `${codec}: the picture copied, the sound now AAC`);
    assert.ok(media.end - media.start > 9, `${codec}: the whole clip (${media.start}..${media.end})`);
  }

  // A browser that plays the file gets the original; asked through the transcoder anyway, it is a remux.
  const asIs = await post(svc, '/api/playback', { infoHash: mp4.infoHash, fileIndex: 0, abilities: CHROMIUM_ABILITIES });
  assert.deepEqual([asIs.json['mode'], asIs.json['url'], asIs.json['seek']], ['original', `/stream/${mp4.infoHash}/0`, 'native']);
  const remux = await fetchBody(`${svc.baseUrl}/stream/${mp4.infoHash}/0?transcode=mp4`);
  assert.equal(remux.headers.get('x-transcode-decision'), 'remux; container=mp4; video=copy; audio=copy');

  // Bad requests say what is wrong.
  for (const body of [{}, { infoHash: ac3.infoHash, fileIndex: 0 }, { infoHash: ac3.infoHash, fileIndex: 0, abilities: { formats: [{ container: 'avi', video: [], audio: [] }] } }]) {
    const bad = await post(svc, '/api/playback', body);
    assert.equal(bad.status, 400, JSON.stringify(body));
    assert.equal((bad.json['error'] as { code: string }).code, 'E_BAD_ARGUMENT');
  }
  assert.equal((await post(svc, '/api/playback', { infoHash: ac3.infoHash, fileIndex: 7, abilities: CHROMIUM_ABILITIES })).status, 404);

  // DLNA: the DTS file (probed above) is offered as the original and as an H.264/AAC conversion.
  const folders = (await browse(svc, '0')).container as Array<Record<string, string>>;
  const folder = folders.find((c) => c['dc:title'] === dts.name)!['@id']!;
  const item = (await browse(svc, folder)).item[0] as { res: Array<Record<string, string>> };
  assert.equal(item.res.length, 2, 'original and conversion');
  assert.equal(item.res[0]!['@protocolInfo'], 'http-get:*:video/x-matroska:DLNA.ORG_PN=MATROSKA;DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=01700000000000000000000000000000');
  // The picture is copied (x264 Constrained Baseline, 320x240) and the sound becomes AAC: MP_SD_AAC.
  assert.equal(item.res[1]!['@protocolInfo'], 'http-get:*:video/mp4:DLNA.ORG_PN=AVC_MP4_MP_SD_AAC_MULT5;DLNA.ORG_OP=00;DLNA.ORG_CI=1;DLNA.ORG_FLAGS=01700000000000000000000000000000');
  for (const res of item.res) {
    const head = await fetch(res['#text']!, { method: 'HEAD', headers: { 'getcontentFeatures.dlna.org': '1' } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('contentfeatures.dlna.org'), res['@protocolInfo']!.split(':')[3], `${res['#text']}: the stream says what the listing says`);
  }
  const converted = await fetchBody(item.res[1]!['#text']!);
  assert.deepEqual((await inspectBody(converted.body, 'mp4')).codecs, ['h264', 'aac'], 'a TV without DTS has a resource it plays');

  // Durations where a probe knows them: /api/torrents' durationSeconds and the M3U's EXTINF.
  const listed = (await (await fetch(`${svc.baseUrl}/api/torrents`)).json()) as Array<{ infoHash: string; files: Array<{ index: number; name: string; durationSeconds?: number }> }>;
  for (const fx of [ac3, dts, mp4]) {
    const file = listed.find((t) => t.infoHash === fx.infoHash)!.files[0]!;
    assert.ok(file.durationSeconds !== undefined && Math.abs(file.durationSeconds - 10) < 0.5, `${fx.name}: durationSeconds ${file.durationSeconds}`);
    assert.equal(file.name, fx.name, 'the existing fields stay as they were');
  }
  const m3u = await (await fetch(`${svc.baseUrl}/api/playlist.m3u`)).text();
  const extinf = m3u.split('\n').filter((l) => l.startsWith('#EXTINF:'));
  assert.equal(extinf.length, 3);
  assert.ok(extinf.every((l) => l.startsWith('#EXTINF:10 ')), extinf.join('\n'));
  await until('no ffmpeg left', () => activeProcesses() === 0, 5000);
});
