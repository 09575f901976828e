import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import express from 'express';
import { startDiscovery, type DeviceInfo, type Discovery } from '@torrent-live/casting';
import { devicesApi } from '../../src/server/devices-api.js';
import { startFakeChromecast, startMediaServer } from '@torrent-live/casting/testing';
import { closesAfter } from '../sim/cleanup.js';

const INFO_HASH = 'ab'.repeat(20);

/** The real discovery plus one device that accepts TCP and never answers (for the 504 path). */
function withSilentDevice(discovery: Discovery, silent: DeviceInfo): Discovery {
  return {
    ...discovery,
    devices: () => [...discovery.devices(), silent],
    find: (id) => (id === silent.id ? silent : discovery.find(id)),
  };
}

test('devices API lists, casts to and remote-controls a fake Chromecast; errors are JSON with the right status', { timeout: 30_000 }, async (t) => {
  const own = closesAfter(t);
  const media = own(await startMediaServer('127.40.0.1', { '/stream/x.mp4': { body: randomBytes(256 * 1024), contentType: 'video/mp4' } }));
  let fakeClosed = false;
  const fake = own(await startFakeChromecast({ host: '127.40.0.6', name: 'API Fake Cast' }), (f) => (fakeClosed ? undefined : f.close()));
  const discovery = own(await startDiscovery({ dlna: false, mdnsSocket: { interface: '127.0.0.1', bind: '0.0.0.0' }, searchIntervalMs: 300 }));
  const silentSockets = new Set<net.Socket>();
  const silentServer = net.createServer((s) => silentSockets.add(s));
  await new Promise<void>((r) => silentServer.listen(0, '127.40.0.7', () => r()));
  own(silentServer, async (server) => {
    for (const s of silentSockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const silent: DeviceInfo = { id: 'chromecast:silent', name: 'Silent', kind: 'chromecast', address: '127.40.0.7', port: (silentServer.address() as net.AddressInfo).port, lastSeenMs: Date.now() };

  const castEvents: string[] = [];
  const mediaCalls: unknown[] = [];
  const api = own(
    devicesApi({
      discovery: withSilentDevice(discovery, silent),
      deviceTimeoutMs: 800,
      media: async (infoHash, fileIndex, device, transcode) => {
        mediaCalls.push({ infoHash, fileIndex, device: device.id, transcode });
        return { url: media.url('/stream/x.mp4'), title: 'Sample', contentType: 'video/mp4' };
      },
      onCast: (device, state) => castEvents.push(`${device.name}:${state}`),
    }),
    (a) => a.closeTargets(),
  );
  const app = express();
  app.use(api.router);
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.40.0.2', () => r()));
  own(server, async (s) => {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  });
  const base = `http://127.40.0.2:${(server.address() as net.AddressInfo).port}`;
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> & { error?: { code: string; message: string } } }> => {
    const res = await fetch(`${base}${path}`, { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
  };

  const device = await discovery.waitFor('API Fake Cast', 5000);
  const list = await call('GET', '/api/devices');
  assert.equal(list.status, 200);
  assert.deepEqual((list.json as unknown as unknown[]).find((d) => (d as { id: string }).id === device.id), { id: device.id, name: 'API Fake Cast', kind: 'chromecast', address: '127.40.0.6' });
  const id = encodeURIComponent(device.id);

  assert.equal((await call('POST', '/api/cast', { deviceId: device.id, infoHash: 'nothex', fileIndex: 0 })).status, 400);
  assert.equal((await call('POST', '/api/cast', { deviceId: device.id, infoHash: INFO_HASH, fileIndex: 0, transcode: 'avi' })).status, 400);
  const unknown = await call('POST', '/api/cast', { deviceId: 'chromecast:nope', infoHash: INFO_HASH, fileIndex: 0 });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.json.error?.code, 'E_DEVICE_NOT_FOUND');

  const cast = await call('POST', '/api/cast', { deviceId: device.id, infoHash: INFO_HASH.toUpperCase(), fileIndex: 2, transcode: 'mp4' });
  assert.equal(cast.status, 200, JSON.stringify(cast.json));
  assert.deepEqual(cast.json, { ok: true, device: { id: device.id, name: 'API Fake Cast', kind: 'chromecast', address: '127.40.0.6' }, media: { url: media.url('/stream/x.mp4'), contentType: 'video/mp4' } });
  assert.deepEqual(mediaCalls, [{ infoHash: INFO_HASH, fileIndex: 2, device: device.id, transcode: 'mp4' }]);
  assert.equal((fake.received.find((m) => m.data.type === 'LOAD')?.data.media as { contentId?: string }).contentId, media.url('/stream/x.mp4'));
  assert.ok(fake.fetchedBytes() > 0);

  let status = await call('GET', `/api/devices/${id}/status`);
  assert.equal(status.status, 200);
  assert.equal(status.json.state, 'playing');
  assert.equal((await call('POST', `/api/devices/${id}/pause`)).status, 200);
  assert.equal((await call('GET', `/api/devices/${id}/status`)).json.state, 'paused');
  assert.equal((await call('POST', `/api/devices/${id}/seek`, { seconds: 'x' })).status, 400);
  assert.equal((await call('POST', `/api/devices/${id}/seek`, { seconds: 30 })).status, 200);
  assert.ok(Math.abs(((await call('GET', `/api/devices/${id}/status`)).json.positionSeconds as number) - 30) < 0.5);
  assert.equal((await call('POST', `/api/devices/${id}/volume`, { level: 7 })).status, 400);
  assert.equal((await call('POST', `/api/devices/${id}/volume`, { level: 0.25 })).status, 200);
  assert.equal(fake.state.volume, 0.25);
  assert.equal((await call('POST', `/api/devices/${id}/play`)).status, 200);
  assert.equal((await call('POST', `/api/devices/${id}/stop`)).status, 200);
  status = await call('GET', `/api/devices/${id}/status`);
  assert.deepEqual(Object.keys(status.json).sort(), ['durationSeconds', 'positionSeconds', 'state', 'volume']);
  assert.equal(status.json.state, 'stopped');
  assert.equal((await call('POST', `/api/devices/${id}/rewind`)).status, 404);
  assert.deepEqual(castEvents, ['API Fake Cast:loading', 'API Fake Cast:playing', 'API Fake Cast:paused', 'API Fake Cast:playing', 'API Fake Cast:stopped']);

  // A device that accepts TCP and never answers: 504, within the device timeout.
  const started = Date.now();
  const timeout = await call('POST', `/api/devices/${encodeURIComponent(silent.id)}/play`);
  assert.equal(timeout.status, 504);
  assert.equal(timeout.json.error?.code, 'E_DEVICE_TIMEOUT');
  assert.ok(Date.now() - started < 2000);

  // The Chromecast goes away: the next command fails at once with 502 and a clear message.
  await fake.close();
  fakeClosed = true;
  await new Promise((r) => setTimeout(r, 100));
  const gone = await call('POST', `/api/devices/${id}/pause`);
  assert.equal(gone.status, 502, JSON.stringify(gone.json));
  assert.match(gone.json.error?.code ?? '', /E_DEVICE_(REFUSED|UNREACHABLE)/);
  assert.match(gone.json.error?.message ?? '', /API Fake Cast/);
});
