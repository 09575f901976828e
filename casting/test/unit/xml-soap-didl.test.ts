import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maxNestingDepth, parseXmlSafe, XmlRejected, escapeXml, unescapeXml } from '../../src/xml-safe.js';
import { buildSoapRequest, parseSoapResponse, SERVICE_AV_TRANSPORT } from '../../src/soap.js';
import { buildDidlLite } from '../../src/didl.js';
import { dlnaStreamHeaders, protocolInfoFor } from '../../src/dlna-profile.js';

test('parseXmlSafe refuses DOCTYPE/ENTITY, oversize and malformed XML', () => {
  const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><root>&lol2;</root>';
  assert.throws(() => parseXmlSafe(bomb), (e: unknown) => e instanceof XmlRejected && /DOCTYPE|ENTITY/.test(e.message));
  const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
  assert.throws(() => parseXmlSafe(xxe), XmlRejected);
  assert.throws(() => parseXmlSafe(`<r>${'a'.repeat(2000)}</r>`, { maxBytes: 1000 }), /larger than 1000 bytes/);
  assert.throws(() => parseXmlSafe('<root><a></root>'), /malformed/);
  assert.throws(() => parseXmlSafe('not xml at all'), /malformed/);
  assert.deepEqual(parseXmlSafe('<root><a>1</a></root>'), { root: { a: '1' } });
});

test('escapeXml / unescapeXml round-trip hostile text, one level only', () => {
  const hostile = `</dc:title><x a="1">&amp;'`;
  assert.equal(unescapeXml(escapeXml(hostile)), hostile);
  assert.equal(unescapeXml('&amp;lt;'), '&lt;');
  assert.equal(unescapeXml('&#65;&#x42;&#0;'), 'AB');
});

test('buildSoapRequest escapes arguments and keeps their order', () => {
  const { body, headers } = buildSoapRequest(SERVICE_AV_TRANSPORT, 'SetAVTransportURI', [['InstanceID', 0], ['CurrentURI', 'http://h/a?x=1&y=<2>'], ['CurrentURIMetaData', '<DIDL-Lite/>']]);
  assert.equal(headers.SOAPACTION, `"${SERVICE_AV_TRANSPORT}#SetAVTransportURI"`);
  assert.match(body, /<InstanceID>0<\/InstanceID><CurrentURI>http:\/\/h\/a\?x=1&amp;y=&lt;2&gt;<\/CurrentURI><CurrentURIMetaData>&lt;DIDL-Lite\/&gt;<\/CurrentURIMetaData>/);
  assert.throws(() => buildSoapRequest(SERVICE_AV_TRANSPORT, 'Play"><x', []), /bad SOAP action/);
  assert.throws(() => buildSoapRequest(SERVICE_AV_TRANSPORT, 'Play', [['a b', 1]]), /bad SOAP argument/);
});

test('parseSoapResponse reads values (unescaped) and UPnP faults', () => {
  const ok = `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:GetPositionInfoResponse xmlns:u="${SERVICE_AV_TRANSPORT}"><Track>1</Track><TrackDuration>0:00:20</TrackDuration><TrackMetaData>&lt;DIDL-Lite&gt;</TrackMetaData><RelTime>0:00:03</RelTime></u:GetPositionInfoResponse></s:Body></s:Envelope>`;
  const r = parseSoapResponse(ok, 'GetPositionInfo');
  assert.ok(r.ok);
  assert.equal(r.values.RelTime, '0:00:03');
  assert.equal(r.values.TrackMetaData, '<DIDL-Lite>');
  const fault = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>701</errorCode><errorDescription>Transition not available</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>`;
  assert.deepEqual(parseSoapResponse(fault, 'Pause'), { ok: false, faultCode: '701', faultMessage: 'Transition not available' });
  assert.equal(parseSoapResponse('<s:Envelope><s:Body><Other/></s:Body></s:Envelope>', 'Play').ok, false);
  assert.throws(() => parseSoapResponse('<!DOCTYPE x><s:Envelope/>', 'Play'), XmlRejected);
});

test('buildDidlLite: title escaped, protocolInfo with DLNA flags, size, H:MM:SS duration, captions', () => {
  const didl = buildDidlLite({ url: 'http://10.0.0.2:8888/stream/abc/0?token=t&x=1', title: 'A </dc:title><evil/> & "b"', contentType: 'video/mp4', sizeBytes: 123456, durationSeconds: 3723.5, subtitles: [{ url: 'http://10.0.0.2:8888/sub.vtt', language: 'en', label: 'English' }] });
  assert.match(didl, /<dc:title>A &lt;\/dc:title&gt;&lt;evil\/&gt; &amp; &quot;b&quot;<\/dc:title>/);
  assert.doesNotMatch(didl, /<evil\/>/);
  assert.match(didl, /protocolInfo="http-get:\*:video\/mp4:DLNA\.ORG_PN=AVC_MP4_MP_SD_AAC_MULT5;DLNA\.ORG_OP=01;DLNA\.ORG_CI=0;DLNA\.ORG_FLAGS=01700000000000000000000000000000"/);
  assert.match(didl, /size="123456"/);
  assert.match(didl, /duration="1:02:03\.500"/);
  assert.match(didl, />http:\/\/10\.0\.0\.2:8888\/stream\/abc\/0\?token=t&amp;x=1<\/res>/);
  assert.match(didl, /<sec:CaptionInfoEx sec:type="vtt">http:\/\/10\.0\.0\.2:8888\/sub\.vtt<\/sec:CaptionInfoEx>/);
  assert.match(didl, /<upnp:class>object\.item\.videoItem\.movie<\/upnp:class>/);
  // The DIDL itself parses safely.
  assert.ok(parseXmlSafe(didl));
});

test('dlnaStreamHeaders and protocolInfo for known and unknown types', () => {
  assert.deepEqual(dlnaStreamHeaders('video/mp4', { subtitleUrl: 'http://h/s.srt' }), {
    'transferMode.dlna.org': 'Streaming',
    'contentFeatures.dlna.org': 'DLNA.ORG_PN=AVC_MP4_MP_SD_AAC_MULT5;DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=01700000000000000000000000000000',
    'CaptionInfo.sec': 'http://h/s.srt',
  });
  assert.equal(dlnaStreamHeaders('video/webm')['contentFeatures.dlna.org'], 'DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=01700000000000000000000000000000');
  assert.equal(dlnaStreamHeaders('text/vtt')['transferMode.dlna.org'], 'Interactive');
  assert.equal(protocolInfoFor('video/x-matroska; codecs=x'), 'http-get:*:video/x-matroska:DLNA.ORG_PN=MATROSKA;DLNA.ORG_OP=01;DLNA.ORG_CI=0;DLNA.ORG_FLAGS=01700000000000000000000000000000');
  assert.throws(() => dlnaStreamHeaders('video/mp4', { subtitleUrl: 'http://h/\r\nX-Evil: 1' }), /line breaks/);
});

test('one XML policy for both roles: what a control point refuses, a device refuses too', async () => {
  const { parseSoapAction, SoapParseError } = await import('../../src/soap.js');
  const { parseDeviceDescription } = await import('../../src/device-description.js');
  const envelope = (inner: string) => `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${inner}</s:Body></s:Envelope>`;
  const hostile: Array<[string, string, RegExp]> = [
    ['declaration', envelope('<!DOCTYPE x [<!ENTITY a "b">]><u:Play xmlns:u="x"/>'), /DOCTYPE/],
    ['element declaration', `<!ELEMENT x ANY>${envelope('<u:Play xmlns:u="x"/>')}`, /ELEMENT/],
    ['depth', envelope(`${'<a>'.repeat(500)}${'</a>'.repeat(500)}`), /nests \d+ elements deep/],
    ['reserved name', envelope('<u:__proto__ xmlns:u="x"><polluted>1</polluted></u:__proto__>'), /reserved/],
    ['reserved name', envelope('<u:PlayResponse xmlns:u="x"><constructor>1</constructor></u:PlayResponse>'), /reserved/],
    ['malformed', envelope('<u:Play>'), /malformed/],
  ];
  for (const [what, xml, reason] of hostile) {
    assert.throws(() => parseXmlSafe(xml), (e: unknown) => e instanceof XmlRejected && reason.test(e.message), `parseXmlSafe: ${what}`);
    assert.throws(() => parseSoapResponse(xml, 'Play'), XmlRejected, `parseSoapResponse: ${what}`);
    assert.throws(() => parseSoapAction(xml), (e: unknown) => e instanceof SoapParseError && reason.test(e.message), `parseSoapAction: ${what}`);
  }
  const deepDescription = `<root><device>${'<deviceList><device>'.repeat(20)}${'</device></deviceList>'.repeat(20)}</device></root>`;
  assert.throws(() => parseDeviceDescription(deepDescription, new URL('http://10.0.0.2/d.xml'), '10.0.0.2'), /nests/);
  assert.equal(Object.getPrototypeOf(parseXmlSafe('<root><a>1</a></root>')), Object.prototype);
});

test('nesting depth is counted in one forward pass: markup that is not an element is skipped, unclosed markup stops the count', () => {
  assert.equal(maxNestingDepth('<a><b/><c><d></d></c></a>'), 3);
  assert.equal(maxNestingDepth('<a x="1>2" y=\'<b>\'><!-- <c><d> --><![CDATA[<e><f>]]><?pi <g>?><h/></a>'), 1);
  assert.equal(maxNestingDepth('<?xml version="1.0"?><!DOCTYPE r><r><s></s></r>'), 2);
  // Unterminated markup: with a backtracking `<[^>]*?>` each `<` rescanned the rest, and 16 KB took minutes.
  assert.equal(maxNestingDepth('<a'.repeat(100_000)), 0);
  assert.equal(maxNestingDepth(`<r>${'<a b="'.repeat(50_000)}`), 1);
  assert.throws(() => parseXmlSafe('<a'.repeat(100_000)), (e: unknown) => e instanceof XmlRejected && e.reason === 'malformed' && e.message.length < 300, 'the error quotes at most 200 characters');
});
