import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { didlLite, formatDuration, mediaClassOf, protocolInfo } from '../../../src/adapters/didl.js';
import { escapeXml, unescapeXml } from '@torrent-live/casting';

const HOSTILE = 'a]]><b>&amp; "q" \'s\' \u0001\u0008\u000b\u001f</dc:title><x/>\uFFFE\uD800 end';

test('escapeXml neutralises markup, quotes, ]]> and drops characters XML cannot carry', () => {
  assert.equal(escapeXml('<a href="x">&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  assert.equal(escapeXml(']]>'), ']]&gt;');
  assert.equal(escapeXml('tab\tnl\ncr\r'), 'tab\tnl\ncr\r', 'tab, LF and CR are legal XML');
  assert.equal(escapeXml('x\u0000\u0007y\uFFFF'), 'xy');
  assert.equal(escapeXml('emoji 😀 ok'), 'emoji 😀 ok', 'surrogate pairs are kept');
  assert.equal(unescapeXml(escapeXml(HOSTILE)), HOSTILE.replace(/[\u0001\u0008\u000b\u001f\uFFFE\uD800]/g, ''));
});

test('DIDL-Lite with hostile names is well-formed and parses back to the same titles', () => {
  const xml = didlLite([
    { kind: 'container', id: 't:1', parentId: '0', title: HOSTILE, childCount: 2 },
    { kind: 'item', id: 'f:1:0', parentId: 't:1', title: `${HOSTILE}.mkv`, upnpClass: 'object.item.videoItem', res: { url: 'http://h/stream/x/0?st=a&b=<c>', mime: 'video/x-matroska', size: 123, durationSeconds: 3725.5 } },
  ]);
  assert.equal(XMLValidator.validate(xml), true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, htmlEntities: false, parseTagValue: false, trimValues: false }).parse(xml);
  const root = doc['DIDL-Lite'];
  const clean = HOSTILE.replace(/[\u0001\u0008\u000b\u001f\uFFFE\uD800]/g, '');
  assert.equal(root.container['dc:title'], clean);
  assert.equal(root.container['@childCount'], '2');
  assert.equal(root.item['dc:title'], `${clean}.mkv`);
  assert.equal(root.item['upnp:class'], 'object.item.videoItem');
  assert.equal(root.item.res['#text'], 'http://h/stream/x/0?st=a&b=<c>');
  assert.equal(root.item.res['@size'], '123');
  assert.equal(root.item.res['@duration'], '1:02:05.500');
  assert.match(root.item.res['@protocolInfo'], /^http-get:\*:video\/x-matroska:DLNA\.ORG_OP=01;DLNA\.ORG_CI=0;DLNA\.ORG_FLAGS=01700000000000000000000000000000$/);
});

test('duration is omitted when unknown; classes follow the MIME type', () => {
  const xml = didlLite([{ kind: 'item', id: 'f', parentId: 't', title: 'x', upnpClass: 'object.item.audioItem', res: { url: 'u', mime: 'audio/mpeg', size: 1 } }]);
  assert.equal(xml.includes('duration='), false);
  assert.equal(mediaClassOf('video/mp4'), 'object.item.videoItem');
  assert.equal(mediaClassOf('audio/flac'), 'object.item.audioItem');
  assert.equal(mediaClassOf('text/plain'), undefined);
  assert.equal(formatDuration(0), '0:00:00.000');
  assert.equal(formatDuration(59.9994), '0:00:59.999');
  assert.equal(protocolInfo('video/mp4').split(':').length, 4);
});
