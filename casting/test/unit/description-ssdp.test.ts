import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDeviceDescription } from '../../src/device-description.js';
import { checkSsdpLocation } from '../../src/ssdp-location.js';
import { buildMSearch, parseSsdpAnswer, udnFromUsn } from '../../src/ssdp-message.js';
import { parseProtocolInfoList, sinkAccepts } from '../../src/protocol-info.js';
import { CastError } from '../../src/types.js';

const description = (services: string, urlBase = ''): string => `<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">${urlBase}<device>
<deviceType>urn:schemas-upnp-org:device:MediaRenderer:1</deviceType><friendlyName>Living &amp; Room TV</friendlyName>
<modelName>Model X</modelName><UDN>uuid:1234-abcd</UDN><serviceList>${services}</serviceList></device></root>`;
const service = (type: string, control: string): string => `<service><serviceType>urn:schemas-upnp-org:service:${type}:1</serviceType><controlURL>${control}</controlURL></service>`;

test('parseDeviceDescription resolves control URLs against LOCATION (or a same-host URLBase)', () => {
  const xml = description(service('AVTransport', '/upnp/control/avt') + service('RenderingControl', 'rc') + service('ConnectionManager', 'http://10.0.0.5:49494/cm'));
  const d = parseDeviceDescription(xml, new URL('http://10.0.0.5:49494/desc/description.xml'), '10.0.0.5');
  assert.equal(d.udn, 'uuid:1234-abcd');
  assert.equal(d.friendlyName, 'Living & Room TV');
  assert.equal(d.modelName, 'Model X');
  assert.deepEqual(d.controlUrls, { avTransport: 'http://10.0.0.5:49494/upnp/control/avt', renderingControl: 'http://10.0.0.5:49494/desc/rc', connectionManager: 'http://10.0.0.5:49494/cm' });
  const withBase = parseDeviceDescription(description(service('AVTransport', 'avt'), '<URLBase>http://10.0.0.5:5000/base/</URLBase>'), new URL('http://10.0.0.5:49494/d.xml'), '10.0.0.5');
  assert.equal(withBase.controlUrls.avTransport, 'http://10.0.0.5:5000/base/avt');
});

test('parseDeviceDescription drops control URLs on other hosts and refuses a renderer without AVTransport', () => {
  const offHost = description(service('AVTransport', 'http://192.0.2.99/avt') + service('RenderingControl', '/rc'));
  assert.throws(() => parseDeviceDescription(offHost, new URL('http://10.0.0.5:1/d.xml'), '10.0.0.5'), (e: unknown) => e instanceof CastError && e.code === 'E_BAD_DESCRIPTION');
  const evilBase = parseDeviceDescription(description(service('AVTransport', 'avt'), '<URLBase>http://192.0.2.99/</URLBase>'), new URL('http://10.0.0.5:1/x/d.xml'), '10.0.0.5');
  assert.equal(evilBase.controlUrls.avTransport, 'http://10.0.0.5:1/x/avt');
  assert.throws(() => parseDeviceDescription('<root><device><UDN>nope</UDN></device></root>', new URL('http://10.0.0.5/'), '10.0.0.5'), /UDN/);
  assert.throws(() => parseDeviceDescription('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><root/>', new URL('http://10.0.0.5/'), '10.0.0.5'), /DOCTYPE/);
});

test('checkSsdpLocation: plain http on the answering host only', () => {
  assert.equal(checkSsdpLocation('http://10.0.0.5:49494/d.xml', '10.0.0.5').ok, true);
  const other = checkSsdpLocation('http://203.0.113.7/d.xml', '10.0.0.5');
  assert.ok(!other.ok && /not the answering address/.test(other.reason));
  assert.ok(!checkSsdpLocation('https://10.0.0.5/d.xml', '10.0.0.5').ok);
  assert.ok(!checkSsdpLocation('http://u:p@10.0.0.5/d.xml', '10.0.0.5').ok);
  assert.ok(!checkSsdpLocation('file:///etc/passwd', '10.0.0.5').ok);
  assert.ok(!checkSsdpLocation(undefined, '10.0.0.5').ok);
  assert.ok(!checkSsdpLocation('not a url', '10.0.0.5').ok);
  assert.ok(!checkSsdpLocation('http://localhost/d.xml', '127.0.0.1').ok, 'names are not addresses');
});

test('SSDP messages: M-SEARCH, bounded answer parse, UDN from USN', () => {
  assert.match(buildMSearch('urn:schemas-upnp-org:device:MediaRenderer:1').toString(), /^M-SEARCH \* HTTP\/1\.1\r\nHOST: 239\.255\.255\.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: urn:schemas-upnp-org:device:MediaRenderer:1\r\n/);
  const a = parseSsdpAnswer(Buffer.from('HTTP/1.1 200 OK\r\nLocation: http://10.0.0.5/d.xml\r\nst: x\r\nUSN: uuid:ab-12::urn:x\r\n\r\n'));
  assert.deepEqual(a, { status: 200, headers: { location: 'http://10.0.0.5/d.xml', st: 'x', usn: 'uuid:ab-12::urn:x' } });
  assert.equal(parseSsdpAnswer(Buffer.from('NOTIFY * HTTP/1.1\r\n\r\n')), undefined);
  assert.equal(parseSsdpAnswer(Buffer.alloc(10_000, 65)), undefined);
  assert.equal(udnFromUsn('uuid:ab-12::urn:x'), 'uuid:ab-12');
  assert.equal(udnFromUsn('garbage'), undefined);
});

test('protocolInfo list parse and sink matching', () => {
  const list = parseProtocolInfoList('http-get:*:video/mp4:DLNA.ORG_PN=AVC;DLNA.ORG_OP=01, http-get:*:audio/*:*,rtsp-rtp-udp:*:video/x-h264:*,broken');
  assert.equal(list.length, 3);
  assert.deepEqual(list[0], { protocol: 'http-get', network: '*', contentFormat: 'video/mp4', additionalInfo: 'DLNA.ORG_PN=AVC;DLNA.ORG_OP=01' });
  assert.equal(sinkAccepts(list, 'video/mp4'), true);
  assert.equal(sinkAccepts(list, 'audio/flac'), true);
  assert.equal(sinkAccepts(list, 'video/x-h264'), false, 'only over rtsp');
  assert.equal(sinkAccepts([], 'video/webm'), true);
});

test('SSDP NOTIFY: alive and byebye parsed, anything else refused, bounded', async () => {
  const { parseSsdpNotify } = await import('../../src/ssdp-message.js');
  const msg = (lines: string[]) => Buffer.from([...lines, '', ''].join('\r\n'));
  assert.deepEqual(parseSsdpNotify(msg(['NOTIFY * HTTP/1.1', 'HOST: 239.255.255.250:1900', 'NT: urn:schemas-upnp-org:device:MediaRenderer:1', 'NTS: ssdp:alive', 'LOCATION: http://10.0.0.5:49152/d.xml', 'USN: uuid:tv::urn:schemas-upnp-org:device:MediaRenderer:1'])), {
    kind: 'alive', nt: 'urn:schemas-upnp-org:device:MediaRenderer:1', location: 'http://10.0.0.5:49152/d.xml', usn: 'uuid:tv::urn:schemas-upnp-org:device:MediaRenderer:1',
  });
  assert.equal(parseSsdpNotify(msg(['NOTIFY * HTTP/1.1', 'NT: x', 'NTS: ssdp:byebye', 'USN: uuid:tv']))?.kind, 'byebye');
  assert.equal(parseSsdpNotify(msg(['NOTIFY * HTTP/1.1', 'NT: x', 'NTS: ssdp:update'])), undefined);
  assert.equal(parseSsdpNotify(msg(['M-SEARCH * HTTP/1.1', 'NTS: ssdp:alive'])), undefined);
  assert.equal(parseSsdpNotify(msg(['HTTP/1.1 200 OK'])), undefined);
  assert.equal(parseSsdpNotify(Buffer.alloc(9000, 65)), undefined);
});
