import assert from 'node:assert/strict';
import test from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { announceAddresses, strmAddress, strmBaseUrls } from '../../../src/service/lan-address.js';
import { httpBase, urlHost } from '../../../src/server/http-base.js';
import { exportStrm } from '../../../src/adapters/strm.js';
import { HASH_A, torrent } from '../adapters/helpers.js';

const externals = ['192.168.1.5', '10.0.0.7'];

test('SSDP is announced only where HTTP listens; a --host/--interface mismatch announces nothing and says how to fix it', () => {
  assert.deepEqual(announceAddresses({ host: '0.0.0.0', interfaceAddress: undefined, externals }), { addresses: externals });
  assert.deepEqual(announceAddresses({ host: '0.0.0.0', interfaceAddress: '10.0.0.7', externals }), { addresses: ['10.0.0.7'] });
  assert.deepEqual(announceAddresses({ host: '192.168.1.5', interfaceAddress: '192.168.1.5', externals }), { addresses: ['192.168.1.5'] });
  assert.deepEqual(announceAddresses({ host: '192.168.1.5', interfaceAddress: undefined, externals }), { addresses: ['192.168.1.5'] }, 'not every LAN address: only the one HTTP listens on');
  const mismatch = announceAddresses({ host: '192.168.1.5', interfaceAddress: '10.0.0.7', externals });
  assert.deepEqual(mismatch.addresses, []);
  assert.match(mismatch.warning!, /--interface 10\.0\.0\.7 is not where HTTP listens \(--host 192\.168\.1\.5\).*give both the same address, or --host 0\.0\.0\.0/);
  const loopback = announceAddresses({ host: '127.0.0.1', interfaceAddress: undefined, externals });
  assert.deepEqual(loopback.addresses, []);
  assert.match(loopback.warning!, /HTTP listens only on 127\.0\.0\.1 \(--host\), which no TV on the LAN can reach/);
});

test('.strm URLs carry an address the server answers on, with a warning when --interface names another', () => {
  assert.deepEqual(strmAddress({ host: '0.0.0.0', interfaceAddress: '10.0.0.7', externals }), { address: '10.0.0.7' });
  assert.deepEqual(strmAddress({ host: '0.0.0.0', interfaceAddress: undefined, externals }), { address: '192.168.1.5' });
  assert.deepEqual(strmAddress({ host: '0.0.0.0', interfaceAddress: undefined, externals: [] }), { address: '127.0.0.1' });
  assert.deepEqual(strmAddress({ host: '10.0.0.7', interfaceAddress: undefined, externals }), { address: '10.0.0.7' }, 'without --interface, the address --host names, not the first LAN address');
  const mismatch = strmAddress({ host: '10.0.0.7', interfaceAddress: '192.168.1.5', externals });
  assert.equal(mismatch.address, '10.0.0.7');
  assert.match(mismatch.warning!, /\.strm URLs use 10\.0\.0\.7, where HTTP listens \(--host\), not --interface 192\.168\.1\.5/);
});

test('an IPv6 --host is bracketed in URLs (a zone escaped), names and IPv4 are not, and brackets are not doubled', () => {
  assert.equal(urlHost('fd00::5'), '[fd00::5]');
  assert.equal(urlHost('[fd00::5]'), '[fd00::5]');
  assert.equal(urlHost('::1'), '[::1]');
  assert.equal(urlHost('fe80::1%eth0'), '[fe80::1%25eth0]');
  assert.equal(urlHost('10.0.0.7'), '10.0.0.7');
  assert.equal(urlHost('tv-box.lan'), 'tv-box.lan');
  assert.equal(httpBase('fd00::5', 8888), 'http://[fd00::5]:8888');
  assert.equal(new URL(httpBase('fd00::5', 8888)).hostname, '[fd00::5]');
});

test('export-strm with an IPv6 --host reads the service there and writes .strm URLs that parse to it', async () => {
  const urls = strmBaseUrls({ host: 'fd00::5', interfaceAddress: undefined, externals, port: 8888 });
  assert.deepEqual(urls, { serviceUrl: 'http://[fd00::5]:8888', publicBaseUrl: 'http://[fd00::5]:8888' });
  assert.deepEqual(strmBaseUrls({ host: '0.0.0.0', interfaceAddress: undefined, externals, port: 8888 }), { serviceUrl: 'http://127.0.0.1:8888', publicBaseUrl: 'http://192.168.1.5:8888' });
  const mismatch = strmBaseUrls({ host: 'fd00::5', interfaceAddress: '192.168.1.5', externals, port: 8888 });
  assert.equal(mismatch.publicBaseUrl, 'http://[fd00::5]:8888');
  assert.match(mismatch.warning!, /\.strm URLs use fd00::5/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-strm6-'));
  try {
    const catalog = { list: () => [torrent(HASH_A, 'clip.mp4', [['clip.mp4', 'video/mp4']])] };
    const auth = { streamUrl: (b: string, h: string, i: number) => `${b}/stream/${h}/${i}?st=t` };
    const [written] = await exportStrm(catalog, auth, urls.publicBaseUrl, dir);
    const url = new URL(fs.readFileSync(written!, 'utf8').trim());
    assert.equal(url.hostname, '[fd00::5]');
    assert.equal(url.port, '8888');
    assert.equal(url.pathname, `/stream/${HASH_A}/0`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
