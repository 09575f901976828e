import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { srtToVtt } from '../../src/srt.js';
import { pickInterfaceAddress } from '../../src/interfaces.js';
import { formatHms, parseHms, playerStateToCastState, transportStateToCastState } from '../../src/status-map.js';
import { chromecastsFromRecords, parseTxt } from '../../src/mdns-record.js';
import { DeviceRegistry } from '../../src/device-registry.js';
import { chromecastLoadMessage } from '../../src/chromecast-target.js';

test('srtToVtt converts timings, strips BOM and CRLF, keeps WEBVTT input', () => {
  const srt = '\uFEFF1\r\n00:00:01,000 --> 00:00:02,500\r\nHello <i>world</i>\r\n\r\n2\r\n0:01:02,5 --> 0:01:03,25\r\nBye\r\n';
  assert.equal(srtToVtt(srt), 'WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500\nHello <i>world</i>\n\n2\n00:01:02.500 --> 00:01:03.250\nBye\n');
  assert.equal(srtToVtt('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nx'), 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nx\n');
  assert.equal(srtToVtt(''), 'WEBVTT\n\n\n');
});

const iface = (address: string, netmask: string, internal = false): NetworkInterfaceInfo => ({ address, netmask, family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: `${address}/24` });

test('pickInterfaceAddress: wanted name/address, device subnet, loopback, first external', () => {
  const ifs = { lo: [iface('127.0.0.1', '255.0.0.0', true)], eth0: [iface('192.168.1.10', '255.255.255.0')], wlan0: [iface('10.1.0.7', '255.255.0.0')] };
  assert.equal(pickInterfaceAddress(ifs, 'wlan0'), '10.1.0.7');
  assert.equal(pickInterfaceAddress(ifs, '192.168.1.10'), '192.168.1.10');
  assert.throws(() => pickInterfaceAddress(ifs, 'eth9'), /interface "eth9" not found.*eth0=192\.168\.1\.10/);
  assert.equal(pickInterfaceAddress(ifs, undefined, '10.1.44.2'), '10.1.0.7');
  assert.equal(pickInterfaceAddress(ifs, undefined, '192.168.1.77'), '192.168.1.10');
  assert.equal(pickInterfaceAddress(ifs, undefined, '127.40.0.5'), '127.0.0.1');
  assert.equal(pickInterfaceAddress(ifs, undefined, '172.16.0.1'), '192.168.1.10');
  assert.equal(pickInterfaceAddress({ lo: ifs.lo }), '127.0.0.1');
});

test('status mapping and H:MM:SS', () => {
  assert.equal(transportStateToCastState('PLAYING'), 'playing');
  assert.equal(transportStateToCastState('PAUSED_PLAYBACK'), 'paused');
  assert.equal(transportStateToCastState('STOPPED'), 'stopped');
  assert.equal(transportStateToCastState('TRANSITIONING'), 'loading');
  assert.equal(transportStateToCastState('NO_MEDIA_PRESENT'), 'idle');
  assert.equal(transportStateToCastState('WEIRD'), 'error');
  assert.equal(playerStateToCastState('BUFFERING'), 'loading');
  assert.equal(playerStateToCastState('IDLE', 'CANCELLED'), 'stopped');
  assert.equal(playerStateToCastState('IDLE', 'ERROR'), 'error');
  assert.equal(playerStateToCastState('IDLE'), 'idle');
  assert.equal(parseHms('1:02:03.5'), 3723.5);
  assert.equal(parseHms('00:00:12'), 12);
  assert.equal(parseHms('NOT_IMPLEMENTED'), 0);
  assert.equal(parseHms('1:99:00'), 0);
  assert.equal(formatHms(3723.5), '1:02:03');
  assert.equal(formatHms(3723.5, true), '1:02:03.500');
  assert.equal(formatHms(-4), '0:00:00');
});

test('mDNS records → Chromecast DeviceInfo from TXT id/fn/md, A record address', () => {
  const instance = 'Chromecast-abc._googlecast._tcp.local';
  const records = [
    { name: '_googlecast._tcp.local', type: 'PTR', data: instance, ttl: 120 },
    { name: instance, type: 'SRV', data: { port: 8009, target: 'abc.local' }, ttl: 120 },
    { name: instance, type: 'TXT', data: [Buffer.from('id=abc123'), Buffer.from('fn=Living Room'), Buffer.from('md=Chromecast Ultra')], ttl: 120 },
    { name: 'abc.local', type: 'A', data: '192.168.1.50', ttl: 120 },
  ];
  const [first] = chromecastsFromRecords(records, '192.168.1.1', 1000);
  assert.deepEqual(first, { device: { id: 'chromecast:abc123', name: 'Living Room', kind: 'chromecast', address: '192.168.1.50', port: 8009, lastSeenMs: 1000, model: 'Chromecast Ultra' }, ttl: 120 });
  assert.equal(chromecastsFromRecords(records.slice(0, 2), '1.2.3.4', 0).length, 0, 'no TXT, no device');
  const noA = chromecastsFromRecords(records.slice(0, 3), '192.168.1.9', 0);
  assert.equal(noA[0]!.device.address, '192.168.1.9');
  assert.deepEqual(parseTxt([Buffer.from('id=x=y'), Buffer.from('novalue'), 'fn=N']), { id: 'x=y', fn: 'N' });
});

test('DeviceRegistry expires silent devices and finds by id, name or bare UDN', () => {
  let now = 0;
  const reg = new DeviceRegistry(1000, () => now);
  const changes: number[] = [];
  reg.onChange((l) => changes.push(l.length));
  reg.seen({ id: 'dlna:uuid:1', name: 'TV', kind: 'dlna', address: '10.0.0.2', port: 1 });
  assert.equal(reg.find('tv')?.id, 'dlna:uuid:1');
  assert.equal(reg.find('uuid:1')?.id, 'dlna:uuid:1');
  now = 900;
  reg.touch('dlna:uuid:1');
  now = 1800;
  assert.deepEqual(reg.expire(), []);
  now = 2000;
  assert.deepEqual(reg.expire(), ['dlna:uuid:1']);
  assert.deepEqual(changes, [1, 0]);
});

test('chromecastLoadMessage carries url, type, title, poster and WebVTT tracks', () => {
  const { media, options } = chromecastLoadMessage({ url: 'http://h/v.mp4', title: 'T', contentType: 'video/mp4', posterUrl: 'http://h/p.jpg', subtitles: [{ url: 'http://h/s.vtt', language: 'fr', label: 'Français' }] });
  assert.equal(media.contentId, 'http://h/v.mp4');
  assert.deepEqual(media.metadata, { type: 0, metadataType: 0, title: 'T', images: [{ url: 'http://h/p.jpg' }] });
  assert.deepEqual((media.tracks as unknown[])[0], { trackId: 1, type: 'TEXT', subtype: 'SUBTITLES', trackContentId: 'http://h/s.vtt', trackContentType: 'text/vtt', name: 'Français', language: 'fr' });
  assert.deepEqual(options.activeTrackIds, [1]);
});

test('formatHms rounds milliseconds once, never into a four-digit field', () => {
  assert.equal(formatHms(59.9996, true), '0:01:00.000');
  assert.equal(formatHms(59.9994, true), '0:00:59.999');
});
