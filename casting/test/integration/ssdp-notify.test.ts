/**
 * Renderers announce themselves: an `ssdp:alive` NOTIFY lists a renderer without waiting for the
 * next search, its `ssdp:byebye` removes it at once, and a byebye sent by another host for it is
 * ignored (one LAN host cannot unlist another's TV). Loopback multicast on a test SSDP port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDiscovery } from '../../src/index.js';
import { closesAfter } from '../sim/cleanup.js';

const SSDP_TEST_PORT = 41901;
const NT = 'urn:schemas-upnp-org:device:MediaRenderer:1';

const description = (udn: string): string =>
  `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device><deviceType>${NT}</deviceType><friendlyName>Announcing TV</friendlyName><UDN>${udn}</UDN><serviceList>` +
  `<service><serviceType>urn:schemas-upnp-org:service:AVTransport:1</serviceType><controlURL>/avt</controlURL></service></serviceList></device></root>`;

async function sender(host: string): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, host, () => resolve()));
  s.setMulticastInterface('127.0.0.1');
  return s;
}

function notify(socket: dgram.Socket, nts: 'ssdp:alive' | 'ssdp:byebye', usn: string, location?: string): void {
  const lines = ['NOTIFY * HTTP/1.1', `HOST: 239.255.255.250:${SSDP_TEST_PORT}`, `NT: ${NT}`, `NTS: ${nts}`, `USN: ${usn}::${NT}`, ...(location ? [`LOCATION: ${location}`, 'CACHE-CONTROL: max-age=1800'] : []), '', ''];
  socket.send(Buffer.from(lines.join('\r\n')), SSDP_TEST_PORT, '239.255.255.250');
}

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('ssdp:alive lists a renderer at once, its own byebye removes it, a stranger\'s byebye does not', { timeout: 30_000 }, async (t) => {
  const own = closesAfter(t);
  const host = '127.40.0.61';
  const udn = 'uuid:announcing-tv';
  const server = own(http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(description(udn))), (s) => new Promise<void>((r) => s.close(() => r())));
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const location = `http://${host}:${(server.address() as AddressInfo).port}/d.xml`;
  const tv = own(await sender(host), (socket) => socket.close());
  const stranger = own(await sender('127.40.0.62'), (socket) => socket.close());
  // Searches only every 60 s and no responder: only announcements can list the renderer in time.
  const discovery = own(await startDiscovery({ interfaceAddress: '127.0.0.1', chromecast: false, ssdpPort: SSDP_TEST_PORT, searchIntervalMs: 60_000, expireAfterMs: 120_000 }));
  notify(tv, 'ssdp:alive', udn, location);
  await until('the announced renderer', () => discovery.find('Announcing TV') !== undefined);
  assert.equal(discovery.find('Announcing TV')?.id, `dlna:${udn}`);

  notify(stranger, 'ssdp:byebye', udn);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(discovery.find('Announcing TV'), 'a byebye from another address is ignored');

  notify(tv, 'ssdp:byebye', udn);
  await until('the renderer gone', () => discovery.find('Announcing TV') === undefined);
});
