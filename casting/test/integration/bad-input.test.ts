import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startDiscovery, connect, CastError, type DeviceInfo, type IgnoredAnswer } from '../../src/index.js';
import { startFakeSsdp } from '../sim/fake-ssdp.js';
import { closesAfter } from '../sim/cleanup.js';

const SSDP_TEST_PORT = 41900;

function descriptionXml(udn: string, controlBase: string): string {
  return `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><device><deviceType>urn:schemas-upnp-org:device:MediaRenderer:1</deviceType>
<friendlyName>Silent TV</friendlyName><UDN>${udn}</UDN><serviceList>
<service><serviceType>urn:schemas-upnp-org:service:AVTransport:1</serviceType><controlURL>${controlBase}/avt</controlURL></service>
</serviceList></device></root>`;
}

async function listen(server: http.Server | net.Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  return (server.address() as net.AddressInfo).port;
}

test('hostile SSDP answers are ignored with a reason; silent devices time out, never hang', { timeout: 30_000 }, async (t) => {
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const own = closesAfter(t);
  // A server closes only once its connections are gone; the silent ones never end by themselves.
  const closeServer = async (server: net.Server): Promise<void> => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  // A TCP service that accepts and never says a word (SOAP control point and "Chromecast").
  const silent = own(net.createServer(track), closeServer);
  const silentPort = await listen(silent, '127.40.0.15');
  const silentCast = own(net.createServer(track), closeServer);
  const silentCastPort = await listen(silentCast, '127.40.0.16');

  const bodies: Record<string, string | ((res: http.ServerResponse) => void)> = {
    '127.40.0.11': (res) => {
      // Declares nothing, streams far more than the limit.
      res.writeHead(200, { 'Content-Type': 'text/xml' });
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const write = (): void => {
        while (res.write(chunk)) if (res.writableLength > 1e6) break;
      };
      write();
      res.on('drain', write);
    },
    '127.40.0.12': '<root><device><UDN>uuid:x</UDN></devi',
    '127.40.0.13': '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><root>&lol1;</root>',
    '127.40.0.14': '<?xml version="1.0"?><!DOCTYPE root [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><root><device><friendlyName>&xxe;</friendlyName></device></root>',
    '127.40.0.15': descriptionXml('uuid:silent-tv', `http://127.40.0.15:${silentPort}`),
    '127.40.0.17': () => undefined, // never answers the description request
  };
  const ports: Record<string, number> = {};
  for (const [host, body] of Object.entries(bodies)) {
    const server = own(
      http.createServer((_req, res) => {
        if (typeof body === 'string') res.writeHead(200, { 'Content-Type': 'text/xml' }).end(body);
        else body(res);
      }),
      closeServer,
    );
    server.on('connection', track);
    ports[host] = await listen(server, host);
  }
  // The other host a hostile LOCATION points to must never be contacted.
  let offHostHits = 0;
  const offHost = own(
    http.createServer((_req, res) => {
      offHostHits += 1;
      res.end(descriptionXml('uuid:off-host', 'http://127.40.0.99:1'));
    }),
    closeServer,
  );
  const offHostPort = await listen(offHost, '127.40.0.99');

  own(await startFakeSsdp(SSDP_TEST_PORT, [
    { from: '127.40.0.10', location: `http://127.40.0.99:${offHostPort}/d.xml`, usn: 'uuid:off-lan' },
    { from: '127.40.0.10', location: `https://127.40.0.10:1/d.xml`, usn: 'uuid:https' },
    ...Object.keys(bodies).map((host) => ({ from: host, location: `http://${host}:${ports[host]}/d.xml`, usn: `uuid:${host}` })),
  ]));
  const ignored: IgnoredAnswer[] = [];
  const discovery = own(await startDiscovery({ interfaceAddress: '127.0.0.1', chromecast: false, ssdpPort: SSDP_TEST_PORT, searchIntervalMs: 500, descriptionTimeoutMs: 800, descriptionMaxBytes: 64 * 1024, onIgnored: (i) => ignored.push(i) }));

  const device: DeviceInfo = await discovery.waitFor('Silent TV', 5000);
  assert.equal(device.id, 'dlna:uuid:silent-tv');
  // Let every answer be judged (the silent description needs its 800 ms timeout).
  const until = Date.now() + 4000;
  while (Date.now() < until && !['127.40.0.11', '127.40.0.12', '127.40.0.13', '127.40.0.14', '127.40.0.17'].every((h) => ignored.some((i) => i.from === h))) await new Promise((r) => setTimeout(r, 100));
  const reason = (from: string, re: RegExp): void => assert.ok(ignored.some((i) => i.from === from && re.test(i.reason)), `${from}: expected a reason matching ${re}; got ${JSON.stringify(ignored.filter((i) => i.from === from))}`);
  reason('127.40.0.10', /127\.40\.0\.99 is not the answering address 127\.40\.0\.10/);
  reason('127.40.0.10', /scheme https: refused/);
  reason('127.40.0.11', /more than the 65536-byte limit/);
  reason('127.40.0.12', /malformed XML/);
  reason('127.40.0.13', /DOCTYPE or ENTITY/);
  reason('127.40.0.14', /DOCTYPE or ENTITY/);
  reason('127.40.0.17', /did not answer within 800 ms/);
  assert.equal(offHostHits, 0, 'the off-LAN LOCATION was never fetched');
  assert.deepEqual(discovery.devices().map((d) => d.id), ['dlna:uuid:silent-tv']);

  // A renderer that accepts the TCP connection and never answers: rejects within the timeout.
  let started = Date.now();
  await assert.rejects(connect(device, { timeoutMs: 700 }), (err: unknown) => err instanceof CastError && err.code === 'E_DEVICE_TIMEOUT' && /did not answer within 700 ms/.test(err.message));
  assert.ok(Date.now() - started < 1500, `rejected after ${Date.now() - started} ms`);

  // Same for a "Chromecast" that accepts TCP and never completes the TLS handshake.
  const castDevice: DeviceInfo = { id: 'chromecast:silent', name: 'Silent Cast', kind: 'chromecast', address: '127.40.0.16', port: silentCastPort, lastSeenMs: Date.now() };
  started = Date.now();
  await assert.rejects(connect(castDevice, { timeoutMs: 700 }), (err: unknown) => err instanceof CastError && err.code === 'E_DEVICE_TIMEOUT' && /Silent Cast/.test(err.message));
  assert.ok(Date.now() - started < 1500, `rejected after ${Date.now() - started} ms`);

  await assert.rejects(discovery.waitFor('No Such TV', 300), (err: unknown) => err instanceof CastError && err.code === 'E_DEVICE_NOT_FOUND' && /Silent TV/.test(err.message));
});
