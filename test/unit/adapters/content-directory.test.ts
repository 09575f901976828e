import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { browse, pageOf, parseBrowseArgs, parseObjectId, type BrowseRequest } from '../../../src/adapters/content-directory.js';
import { connectionManagerControl, contentDirectoryControl } from '../../../src/adapters/dlna-control.js';
import { UpnpError } from '@torrent-live/casting';
import { mediaClassOf } from '../../../src/adapters/media-files.js';
import { HASH_A, HASH_B, torrent, urlFor } from './helpers.js';

const show = torrent(HASH_A, 'Show', [
  ['Show/e01.mkv', 'video/x-matroska', 5000],
  ['Show/notes.txt', 'text/plain'],
  ['Show/e02.mkv', 'video/x-matroska'],
  ['Show/theme.mp3', 'audio/mpeg'],
  ['Show/e03.mp4', 'video/mp4'],
]);
const single = torrent(HASH_B, 'clip.mp4', [['clip.mp4', 'video/mp4']]);
const snapshot = { torrents: [show, single], updateId: 42 };
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => name === 'item' || name === 'container' });
const req = (objectId: string, startingIndex = 0, requestedCount = 0, browseFlag: BrowseRequest['browseFlag'] = 'BrowseDirectChildren'): BrowseRequest => ({ objectId, browseFlag, startingIndex, requestedCount });
const didl = (xml: string) => parser.parse(xml)['DIDL-Lite'];

test('object ids: root, torrent, file; anything else is unknown', () => {
  assert.deepEqual(parseObjectId('0'), { kind: 'root' });
  assert.deepEqual(parseObjectId(`t:${HASH_A}`), { kind: 'torrent', infoHash: HASH_A });
  assert.deepEqual(parseObjectId(`f:${HASH_A}:3`), { kind: 'file', infoHash: HASH_A, index: 3 });
  for (const bad of ['', '1', `t:${HASH_A}x`, `f:${HASH_A}`, `f:${HASH_A}:-1`, 't:../etc']) assert.equal(parseObjectId(bad), undefined, bad);
});

test('root lists one container per torrent with its media child count', () => {
  const r = browse(snapshot, req('0'), { urlFor });
  assert.equal(r.totalMatches, 2);
  assert.equal(r.numberReturned, 2);
  assert.equal(r.updateId, 42);
  const c = didl(r.result).container;
  assert.deepEqual(c.map((x: Record<string, string>) => [x['@id'], x['dc:title'], x['@childCount'], x['@parentID']]), [
    [`t:${HASH_A}`, 'Show', '4', '0'],
    [`t:${HASH_B}`, 'clip.mp4', '1', '0'],
  ]);
});

test('a torrent lists only its video and audio files, titled without the torrent folder, paged', () => {
  const all = browse(snapshot, req(`t:${HASH_A}`), { urlFor, durationOf: (_h, i) => (i === 0 ? 61 : undefined) });
  assert.equal(all.totalMatches, 4);
  const items = didl(all.result).item;
  assert.deepEqual(items.map((i: Record<string, string>) => i['dc:title']), ['e01.mkv', 'e02.mkv', 'theme.mp3', 'e03.mp4']);
  // A video not probed yet: its original first, then a conversion a plain DLNA TV plays.
  assert.equal(items[0].res.length, 2);
  assert.equal(items[0].res[0]['#text'], urlFor(HASH_A, 0));
  assert.equal(items[0].res[0]['@duration'], '0:01:01.000');
  assert.equal(items[0].res[0]['@size'], '5000');
  assert.equal(items[0].res[1]['#text'], `${urlFor(HASH_A, 0)}&transcode=mp4&device=dlna-tv`);
  assert.match(items[0].res[1]['@protocolInfo'], /^http-get:\*:video\/mp4:DLNA\.ORG_OP=00;DLNA\.ORG_CI=1;/);
  assert.equal(Array.isArray(items[2].res), false, 'audio is offered as it is: one res');
  // Players file items by class and MIME: a video must say so (Kodi filed a bare videoItem as audio).
  assert.deepEqual(items.map((i: Record<string, string>) => i['upnp:class']), ['object.item.videoItem.movie', 'object.item.videoItem.movie', 'object.item.audioItem.musicTrack', 'object.item.videoItem.movie']);
  assert.match(items[0].res[0]['@protocolInfo'], /^http-get:\*:video\/x-matroska:DLNA\.ORG_PN=MATROSKA;/);
  // Unprobed, an MP4 claims no profile: "some MP4" is all that is known.
  assert.match(items[3].res[0]['@protocolInfo'], /^http-get:\*:video\/mp4:DLNA\.ORG_OP=01;/);
  const probed = browse(snapshot, req(`t:${HASH_A}`), {
    urlFor,
    probeOf: (_h, i) => (i === 4 ? { container: 'mp4', formatName: 'mov', durationSeconds: 30, video: { codec: 'h264', profile: 'High', width: 1280, height: 720 }, audio: { codec: 'aac', channels: 2 }, audioTracks: [], subtitleTracks: [] } : undefined),
  });
  const e03 = didl(probed.result).item[3];
  assert.match(e03.res['@protocolInfo'], /^http-get:\*:video\/mp4:DLNA\.ORG_PN=AVC_MP4_HP_HD_AAC;/, 'probed: its real profile, and a TV plays it as is (one res)');
  assert.equal(e03.res['@duration'], '0:00:30.000', 'the probe gives the duration');
  assert.equal(mediaClassOf('video/mp4'), 'object.item.videoItem.movie');
  assert.equal(mediaClassOf('audio/flac'), 'object.item.audioItem.musicTrack');
  assert.equal(mediaClassOf('image/png'), undefined, 'a media browser lists videos and audio only');
  assert.equal(mediaClassOf('text/plain'), undefined);
  const page = browse(snapshot, req(`t:${HASH_A}`, 1, 2), { urlFor });
  assert.equal(page.numberReturned, 2);
  assert.equal(page.totalMatches, 4);
  assert.deepEqual(didl(page.result).item.map((i: Record<string, string>) => i['@id']), [`f:${HASH_A}:2`, `f:${HASH_A}:3`]);
  const past = browse(snapshot, req(`t:${HASH_A}`, 9, 5), { urlFor });
  assert.equal(past.numberReturned, 0);
  assert.equal(past.totalMatches, 4);
});

test('BrowseMetadata answers the object itself; unknown objects are 701', () => {
  const meta = browse(snapshot, req(`f:${HASH_A}:4`, 0, 0, 'BrowseMetadata'), { urlFor });
  assert.equal(meta.numberReturned, 1);
  assert.equal(didl(meta.result).item[0]['dc:title'], 'e03.mp4');
  assert.equal(didl(browse(snapshot, req('0', 0, 0, 'BrowseMetadata'), { urlFor }).result).container[0]['@parentID'], '-1');
  for (const id of [`f:${HASH_A}:1`, `t:${'c'.repeat(40)}`, 'nope']) {
    assert.throws(() => browse(snapshot, req(id), { urlFor }), (e: unknown) => e instanceof UpnpError && e.code === 701, id);
  }
  assert.throws(() => browse(snapshot, req(`f:${HASH_A}:1`, 0, 0, 'BrowseMetadata'), { urlFor }), (e: unknown) => e instanceof UpnpError && e.code === 701);
});

test('Browse arguments are checked: 402 on missing or malformed ones', () => {
  assert.deepEqual(parseBrowseArgs({ ObjectID: '0', BrowseFlag: 'BrowseMetadata', StartingIndex: '3', RequestedCount: '7' }), req('0', 3, 7, 'BrowseMetadata'));
  for (const args of <Array<Record<string, string>>>[{ BrowseFlag: 'BrowseMetadata' }, { ObjectID: '0', BrowseFlag: 'Other' }, { ObjectID: '0', BrowseFlag: 'BrowseMetadata', StartingIndex: '-1' }, { ObjectID: '0', BrowseFlag: 'BrowseMetadata', RequestedCount: '1e3' }]) {
    assert.throws(() => parseBrowseArgs(args), (e: unknown) => e instanceof UpnpError && e.code === 402);
  }
  assert.deepEqual(pageOf([1, 2, 3], 1, 0), [2, 3]);
});

test('control: Browse, SystemUpdateID, capabilities; Search is 602, unknown 401; CM answers', () => {
  const ok = contentDirectoryControl({ serviceType: '', action: 'Browse', args: { ObjectID: '0', BrowseFlag: 'BrowseDirectChildren', StartingIndex: '0', RequestedCount: '1' } }, snapshot, { urlFor });
  assert.equal(ok.status, 200);
  assert.match(ok.body, /<NumberReturned>1<\/NumberReturned><TotalMatches>2<\/TotalMatches><UpdateID>42<\/UpdateID>/);
  assert.match(contentDirectoryControl({ serviceType: '', action: 'GetSystemUpdateID', args: {} }, snapshot, { urlFor }).body, /<Id>42<\/Id>/);
  const search = contentDirectoryControl({ serviceType: '', action: 'Search', args: {} }, snapshot, { urlFor });
  assert.equal(search.status, 500);
  assert.match(search.body, /<errorCode>602<\/errorCode>/);
  assert.match(contentDirectoryControl({ serviceType: '', action: 'DestroyObject', args: {} }, snapshot, { urlFor }).body, /<errorCode>602</);
  assert.match(contentDirectoryControl({ serviceType: '', action: 'Frobnicate', args: {} }, snapshot, { urlFor }).body, /<errorCode>401</);
  assert.match(contentDirectoryControl({ serviceType: '', action: 'Browse', args: { ObjectID: 'zz', BrowseFlag: 'BrowseMetadata' } }, snapshot, { urlFor }).body, /<errorCode>701</);
  assert.match(connectionManagerControl({ serviceType: '', action: 'GetProtocolInfo', args: {} }).body, /<Source>http-get:\*:video\/mp4:DLNA/);
  assert.match(connectionManagerControl({ serviceType: '', action: 'GetCurrentConnectionIDs', args: {} }).body, /<ConnectionIDs>0</);
  assert.match(connectionManagerControl({ serviceType: '', action: 'GetCurrentConnectionInfo', args: { ConnectionID: '0' } }).body, /<Direction>Output<\/Direction><Status>OK</);
  assert.match(connectionManagerControl({ serviceType: '', action: 'GetCurrentConnectionInfo', args: { ConnectionID: '5' } }).body, /<errorCode>706</);
  assert.match(connectionManagerControl({ serviceType: '', action: 'PrepareForConnection', args: {} }).body, /<errorCode>602</);
});

test('a video lists its subtitles as WebVTT caption info: its own text tracks, then the files beside it', () => {
  const film = torrent(HASH_B, 'Film', [['Film/Film.mkv', 'video/x-matroska'], ['Film/Film.en.srt', 'application/x-subrip']]);
  const probeOf = (_h: string, i: number) =>
    i === 0
      ? { container: 'matroska' as const, formatName: 'matroska,webm', durationSeconds: 60, audioTracks: [], subtitleTracks: [{ index: 0, codec: 'hdmv_pgs_subtitle', default: false, forced: false, text: false }, { index: 1, codec: 'subrip', language: 'fre', default: false, forced: false, text: true }] }
      : undefined;
  const item = didl(browse({ torrents: [film], updateId: 1 }, req(`t:${HASH_B}`), { urlFor, probeOf }).result).item[0];
  const captions = [item['sec:CaptionInfoEx']].flat().map((c: Record<string, string>) => c['#text']);
  assert.deepEqual(captions, [`${urlFor(HASH_B, 0)}&format=vtt&track=1`, `${urlFor(HASH_B, 1)}&format=vtt`], 'the picture track is left out');
  const vttRes = item.res.filter((r: Record<string, string>) => r['@protocolInfo'] === 'http-get:*:text/vtt:*').map((r: Record<string, string>) => r['#text']);
  assert.deepEqual(vttRes, captions);
});
