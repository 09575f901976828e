import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parseXmlSafe } from '@torrent-live/casting';
import { convertedShape, dlnaFeaturesFor, dlnaProfileOf, protocolInfoOf } from '../../../src/transcode/dlna-profiles.js';
import { itemResources, originalStreamHeaders } from '../../../src/adapters/dlna-resources.js';
import { didlLite, MAX_DIDL_RESOURCES as MAX_RESOURCES, MAX_DIDL_SUBTITLES as MAX_CAPTIONS } from '@torrent-live/casting';
import type { ProbeResult } from '../../../src/transcode/probe.js';

function probe(container: ProbeResult['container'], video: { codec: string; profile?: string; width: number; height: number } | undefined, audio: string | undefined): ProbeResult {
  return {
    container, formatName: container, durationSeconds: 61,
    ...(video ? { video: { ...video, pixFmt: 'yuv420p' } } : {}),
    ...(audio ? { audio: { codec: audio, channels: 2 } } : {}),
    audioTracks: audio ? [{ index: 0, codec: audio, channels: 2, default: true }] : [],
    subtitleTracks: [],
  };
}

test('DLNA profiles come from what the stream holds, not from "it is an MP4"', () => {
  const shape = (profile: string, width: number, height: number, audio = 'aac') => ({ container: 'mp4' as const, video: { codec: 'h264', profile, width, height }, audio: { codec: audio } });
  assert.equal(dlnaProfileOf(shape('High', 1280, 720), 'video/mp4'), 'AVC_MP4_HP_HD_AAC', 'High-profile 720p is not MP_SD');
  assert.equal(dlnaProfileOf(shape('Main', 640, 360), 'video/mp4'), 'AVC_MP4_MP_SD_AAC_MULT5');
  assert.equal(dlnaProfileOf(shape('Main', 1280, 720), 'video/mp4'), 'AVC_MP4_MP_HD_720p_AAC');
  assert.equal(dlnaProfileOf(shape('Main', 1920, 1080), 'video/mp4'), 'AVC_MP4_MP_HD_1080i_AAC');
  assert.equal(dlnaProfileOf(shape('Constrained Baseline', 320, 240, 'ac3'), 'video/mp4'), 'AVC_MP4_MP_SD_AC3');
  assert.equal(dlnaProfileOf(shape('Main', 640, 360, 'mp3'), 'video/mp4'), 'AVC_MP4_MP_SD_MPEG1_L3');
  assert.equal(dlnaProfileOf(shape('High 10', 1280, 720), 'video/mp4'), undefined, 'no profile for 10-bit');
  assert.equal(dlnaProfileOf(shape('High', 3840, 2160), 'video/mp4'), undefined, 'no profile above 1080p');
  assert.equal(dlnaProfileOf(shape('Main', 1280, 720, 'dts'), 'video/mp4'), undefined);
  assert.equal(dlnaProfileOf({ container: 'mp4', video: { codec: 'hevc', width: 1920, height: 1080 } }, 'video/mp4'), undefined);
  assert.equal(dlnaProfileOf(undefined, 'video/mp4'), undefined, 'an MP4 not probed yet claims no profile');
  assert.equal(dlnaProfileOf({ container: 'matroska' }, 'video/x-matroska'), 'MATROSKA');
  assert.equal(dlnaProfileOf(undefined, 'video/x-matroska'), 'MATROSKA');
  assert.equal(dlnaProfileOf(undefined, 'audio/mpeg'), 'MP3');
  assert.equal(protocolInfoOf('video/mp4', 'AVC_MP4_HP_HD_AAC', 'converted'), 'http-get:*:video/mp4:DLNA.ORG_PN=AVC_MP4_HP_HD_AAC;DLNA.ORG_OP=00;DLNA.ORG_CI=1;DLNA.ORG_FLAGS=01700000000000000000000000000000');
  assert.equal(dlnaFeaturesFor(undefined, 'original'), 'DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=01700000000000000000000000000000');
  const shaped = convertedShape({ action: 'transcode', container: 'mp4', video: 'h264', audio: 'aac', reason: '', scaleHeight: 1080 }, probe('matroska', { codec: 'hevc', width: 3840, height: 2160 }, 'dts'));
  assert.deepEqual(shaped, { container: 'mp4', video: { codec: 'h264', profile: 'High', width: 1920, height: 1080 }, audio: { codec: 'aac' } });
});

test('a DTS MKV is listed twice: the original and an AAC conversion with its real profile; an MP4 a TV plays once', () => {
  const url = 'http://127.60.0.1:8888/stream/aa/0?st=tok';
  const dts = itemResources({ url, mime: 'video/x-matroska', sizeBytes: 5000, durationSeconds: 61, probe: probe('matroska', { codec: 'h264', profile: 'High', width: 1280, height: 720 }, 'dts') });
  assert.equal(dts.length, 2);
  assert.deepEqual(dts[0], { url, contentType: 'video/x-matroska', protocolInfo: 'http-get:*:video/x-matroska:DLNA.ORG_PN=MATROSKA;DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=01700000000000000000000000000000', sizeBytes: 5000, durationSeconds: 61 });
  assert.deepEqual(dts[1], { url: `${url}&transcode=mp4&device=dlna-tv`, contentType: 'video/mp4', protocolInfo: 'http-get:*:video/mp4:DLNA.ORG_PN=AVC_MP4_HP_HD_AAC;DLNA.ORG_OP=00;DLNA.ORG_CI=1;DLNA.ORG_FLAGS=01700000000000000000000000000000', durationSeconds: 61 });
  const plain = itemResources({ url, mime: 'video/mp4', sizeBytes: 5000, probe: probe('mp4', { codec: 'h264', profile: 'Main', width: 640, height: 360 }, 'aac') });
  assert.equal(plain.length, 1, 'a plain DLNA TV plays it: no pointless conversion');
  assert.match(plain[0]!.protocolInfo!, /DLNA\.ORG_PN=AVC_MP4_MP_SD_AAC_MULT5;/);
  const unknown = itemResources({ url: 'http://h/stream/aa/1', mime: 'video/x-msvideo', sizeBytes: 1, probe: undefined });
  assert.equal(unknown.length, 2, 'not probed yet: the conversion is offered, with no profile claimed');
  assert.equal(unknown[1]!.url, 'http://h/stream/aa/1?transcode=mp4&device=dlna-tv');
  assert.equal(unknown[1]!.protocolInfo, 'http-get:*:video/mp4:DLNA.ORG_OP=00;DLNA.ORG_CI=1;DLNA.ORG_FLAGS=01700000000000000000000000000000');
  assert.equal(itemResources({ url, mime: 'audio/mpeg', sizeBytes: 1, probe: undefined }).length, 1, 'audio is not converted');
});

test('the original stream answers with the fourth field its <res> claims', () => {
  const p = probe('mp4', { codec: 'h264', profile: 'High', width: 1280, height: 720 }, 'aac');
  const [res] = itemResources({ url: 'u', mime: 'video/mp4', sizeBytes: 1, probe: p });
  assert.equal(originalStreamHeaders('video/mp4', p)['contentFeatures.dlna.org'], res!.protocolInfo!.split(':')[3]);
  assert.equal(originalStreamHeaders('video/mp4', p)['transferMode.dlna.org'], 'Streaming');
  assert.equal(originalStreamHeaders('text/vtt', undefined)['transferMode.dlna.org'], 'Interactive');
  assert.equal(originalStreamHeaders('video/mp4', undefined, { subtitleUrl: 'http://h/s.vtt' })['CaptionInfo.sec'], 'http://h/s.vtt');
  assert.throws(() => originalStreamHeaders('video/mp4', undefined, { subtitleUrl: 'http://h/\r\nX: y' }), /line breaks/);
});

test('listing DIDL: several resources and captions per item, escaped, capped, parseable', () => {
  const hostile = 'a]]><b>&amp; "q" \u0001 end';
  const xml = didlLite([
    { kind: 'container', id: 't:1', parentId: '0', title: hostile, childCount: 1 },
    {
      kind: 'item', id: 'f:1:0', parentId: 't:1', title: hostile, upnpClass: 'object.item.videoItem.movie',
      res: Array.from({ length: 9 }, (_, i) => ({ url: `http://h/s?st=a&n=${i}&x=<y>`, contentType: 'video/mp4', protocolInfo: `http-get:*:video/mp4:"${i}"`, ...(i === 0 ? { sizeBytes: 10, durationSeconds: 3725.5 } : {}) })),
      subtitles: Array.from({ length: 40 }, (_, i) => ({ url: `http://h/s?st=a&format=vtt&track=${i}` })),
    },
  ]);
  assert.equal(XMLValidator.validate(xml), true);
  assert.ok(parseXmlSafe(xml));
  const item = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (n) => n === 'res' || n === 'sec:CaptionInfoEx' }).parse(xml)['DIDL-Lite'].item;
  assert.equal(item['dc:title'], 'a]]><b>&amp; "q"  end');
  const media = (item.res as Array<Record<string, string>>).filter((r) => !r['@protocolInfo']!.includes('text/vtt'));
  assert.equal(media.length, MAX_RESOURCES);
  assert.equal(media[0]!['#text'], 'http://h/s?st=a&n=0&x=<y>');
  assert.equal(media[0]!['@duration'], '1:02:05.500');
  assert.equal(media[1]!['@size'], undefined);
  assert.equal(item['sec:CaptionInfoEx'].length, MAX_CAPTIONS);
});
