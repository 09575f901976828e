import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHostPort, lanAddresses, ownHosts } from '../../../src/server/auth-hosts.js';

const interfaces = () => ({
  lo: [
    { address: '127.0.0.1', family: 'IPv4' },
    { address: '::1', family: 'IPv6' },
  ],
  eth0: [
    { address: '192.168.1.5', family: 'IPv4' },
    { address: 'fe80::1234', family: 'IPv6' },
    { address: 'fd00::5', family: 'IPv6' },
  ],
});

test('ownHosts: a wildcard bind answers on every interface address, localhost and the host names', () => {
  const hosts = ownHosts({ port: 8888, networkInterfaces: interfaces, hostname: () => 'MyBox' });
  assert.deepEqual(new Set(hosts), new Set([
    '127.0.0.1:8888', '[::1]:8888', '192.168.1.5:8888', '[fd00::5]:8888', 'localhost:8888', 'mybox:8888', 'mybox.local:8888',
  ]));
  assert.equal(hosts.some((h) => h.includes('fe80')), false);
});

test('ownHosts: a specific bind answers only on that address (plus localhost for loopback binds)', () => {
  assert.deepEqual(ownHosts({ port: 80, bindAddress: '192.168.1.5', networkInterfaces: interfaces, hostname: () => 'b' }), ['192.168.1.5:80']);
  assert.deepEqual(ownHosts({ port: 9, bindAddress: '127.5.0.1', networkInterfaces: interfaces, hostname: () => 'b' }), ['127.5.0.1:9', 'localhost:9']);
  assert.deepEqual(
    ownHosts({ port: 9, bindAddress: '[::1]', extraNames: ['TV-Box.lan'], networkInterfaces: interfaces, hostname: () => 'b' }),
    ['[::1]:9', 'localhost:9', 'tv-box.lan:9'],
  );
});

test('formatHostPort and lanAddresses', () => {
  assert.equal(formatHostPort('::1', 1), '[::1]:1');
  assert.equal(formatHostPort('[::1]', 1), '[::1]:1');
  assert.equal(formatHostPort('a.b', 1), 'a.b:1');
  assert.deepEqual(lanAddresses(interfaces), ['192.168.1.5']);
});
