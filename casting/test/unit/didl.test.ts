import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { didlLite, upnpClassOf } from '../../src/didl.js';
import { dlnaStreamHeaders, protocolInfoFor } from '../../src/dlna-profile.js';
import { escapeXml, parseXmlSafe, unescapeXml } from '../../src/xml-safe.js';
import { formatHms } from '../../src/status-map.js';

const HOSTILE = 'a]]><b>&amp; "q" \'s\' \u0001\u0008\u000b\u001f</dc:title><x/>\uFFFE\uD800 end';

test('escapeXml neutralises markup, quotes, ]]> and drops characters XML cannot carry', () => {
  assert.equal(escapeXml('<a href="x">&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  assert.equal(escapeXml(']]>'), ']]&gt;');
  assert.equal(escapeXml('tab\tnl\ncr\r'), 'tab\tnl\ncr\r', 'tab, LF and CR are legal XML');
  assert.equal(escapeXml('x\u0000\u0007y\uFFFF'), 'xy');
  assert.equal(escapeXml('emoji 😀 ok'), 'emoji 😀 ok', 'surrogate pairs are kept');
  assert.equal(unescapeXml(escapeXml(HOSTILE)), HOSTILE.replace(/[\u0001\u0008\u000b\u001f\uFFFE\uD800]/g, ''));
});

test('a media server listing with hostile names is well-formed and parses back to the same titles', () => {
  const xml = didlLite([
    { kind: 'container', id: 't:1', parentId: '0', title: HOSTILE, childCount: 2 },
    { kind: 'item', id: 'f:1:0', parentId: 't:1', title: `${HOSTILE}.mkv`, upnpClass: 'object.item.videoItem.movie', res: { url: 'http://h/stream/x/0?st=a&b=<c>', contentType: 'video/x-matroska', sizeBytes: 123, durationSeconds: 3725.5 } },
  ]);
  assert.equal(XMLValidator.validate(xml), true);
  assert.ok(parseXmlSafe(xml), 'our own parser takes what we write');
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, htmlEntities: false, parseTagValue: false, trimValues: false }).parse(xml);
  const root = doc['DIDL-Lite'];
  const clean = HOSTILE.replace(/[\u0001\u0008\u000b\u001f\uFFFE\uD800]/g, '');
  assert.equal(root.container['dc:title'], clean);
  assert.equal(root.container['@childCount'], '2');
  assert.equal(root.item['dc:title'], `${clean}.mkv`);
  assert.equal(root.item['upnp:class'], 'object.item.videoItem.movie');
  assert.equal(root.item.res['#text'], 'http://h/stream/x/0?st=a&b=<c>');
  assert.equal(root.item.res['@size'], '123');
  assert.equal(root.item.res['@duration'], '1:02:05.500');
  assert.equal(root.item.res['@protocolInfo'], protocolInfoFor('video/x-matroska'));
});

test('protocolInfo carries DLNA.ORG_PN exactly as the stream header does, for every type', () => {
  for (const type of ['video/mp4', 'video/x-matroska', 'video/mp2t', 'video/webm', 'audio/mpeg', 'audio/ogg', 'image/jpeg']) {
    const xml = didlLite([{ kind: 'item', id: 'f', parentId: 't', title: 'x', upnpClass: upnpClassOf(type)!, res: { url: 'u', contentType: type } }]);
    const info = /protocolInfo="([^"]*)"/.exec(xml)![1]!;
    const [protocol, network, mime, features] = info.split(':');
    assert.deepEqual([protocol, network, mime], ['http-get', '*', type]);
    assert.equal(features, dlnaStreamHeaders(type)['contentFeatures.dlna.org'], type);
  }
  assert.match(protocolInfoFor('video/mp4'), /DLNA\.ORG_PN=AVC_MP4_MP_SD_AAC_MULT5;/);
  assert.doesNotMatch(protocolInfoFor('video/webm'), /DLNA\.ORG_PN/, 'no guessed profile for a type DLNA has none for');
});

test('duration and size are omitted when unknown; classes follow the MIME type', () => {
  const xml = didlLite([{ kind: 'item', id: 'f', parentId: 't', title: 'x', upnpClass: 'object.item.audioItem.musicTrack', res: { url: 'u', contentType: 'audio/mpeg' } }]);
  assert.equal(xml.includes('duration='), false);
  assert.equal(xml.includes('size='), false);
  assert.equal(upnpClassOf('video/mp4'), 'object.item.videoItem.movie');
  assert.equal(upnpClassOf('Video/X-Matroska'), 'object.item.videoItem.movie');
  assert.equal(upnpClassOf('audio/flac'), 'object.item.audioItem.musicTrack');
  assert.equal(upnpClassOf('image/png'), 'object.item.imageItem.photo');
  assert.equal(upnpClassOf('text/plain'), undefined);
  assert.equal(formatHms(0, true), '0:00:00.000');
  assert.equal(formatHms(59.9994, true), '0:00:59.999');
});

/** The DLNA fourth field: PN, OP, PS, CI, FLAGS, MAXSP in this order, each with its syntax (Kodi's UPnP stack drops the MIME when it fails). */
function dlnaFourthFieldProblems(field: string): string[] {
  const order = ['DLNA.ORG_PN', 'DLNA.ORG_OP', 'DLNA.ORG_PS', 'DLNA.ORG_CI', 'DLNA.ORG_FLAGS', 'DLNA.ORG_MAXSP'];
  const syntax: Record<string, RegExp> = { 'DLNA.ORG_PN': /^[A-Z0-9_]+$/, 'DLNA.ORG_OP': /^[01]{2}$/, 'DLNA.ORG_CI': /^[01]$/, 'DLNA.ORG_FLAGS': /^[0-9a-fA-F]{32}$/ };
  const problems: string[] = [];
  let last = -1;
  for (const param of field.split(';')) {
    const [key = '', value = ''] = param.split('=');
    const at = order.indexOf(key);
    if (at === -1) problems.push(`unknown ${key}`);
    else if (at <= last) problems.push(`${key} out of order`);
    else last = at;
    if (syntax[key] && !syntax[key]!.test(value)) problems.push(`${key}=${value}`);
  }
  return problems;
}

test('every fourth field written follows the DLNA syntax and order', () => {
  for (const type of ['video/mp4', 'video/x-matroska', 'video/mpeg', 'video/mp2t', 'video/x-ms-wmv', 'video/webm', 'audio/mpeg', 'audio/mp4', 'audio/x-flac', 'image/jpeg', 'image/png', 'text/vtt']) {
    assert.deepEqual(dlnaFourthFieldProblems(protocolInfoFor(type).split(':')[3]!), [], type);
  }
  assert.deepEqual(dlnaFourthFieldProblems('DLNA.ORG_OP=01;DLNA.ORG_PN=X'), ['DLNA.ORG_PN out of order'], 'the check itself can fail');
});
