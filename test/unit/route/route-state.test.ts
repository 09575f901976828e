import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindStep, boundAddress, boundLabel, interfaceOf, proxyErrorMessage, proxyRetryMs, routeLabel, type InterfaceSnapshot } from '../../../src/route/route-state.js';
import { RouteGate } from '../../../src/route/route-gate.js';

const up: InterfaceSnapshot = {
  lo: [{ address: '127.0.0.1', family: 'IPv4', netmask: '255.0.0.0', internal: true }],
  eth0: [{ address: '192.168.1.5', family: 'IPv4', netmask: '255.255.255.0' }],
  tun0: [
    { address: 'fe80::1', family: 'IPv6' },
    { address: '10.8.0.2', family: 'IPv4', netmask: '255.255.255.0' },
  ],
};
const down: InterfaceSnapshot = { lo: up['lo'], eth0: up['eth0'] };

test('the bound address: present, gone, followed on an interface, loopback subnets count as local', () => {
  assert.equal(boundAddress({ kind: 'address', address: '10.8.0.2' }, up), '10.8.0.2');
  assert.equal(boundAddress({ kind: 'address', address: '10.8.0.2' }, down), null);
  assert.equal(boundAddress({ kind: 'interface', name: 'tun0' }, up), '10.8.0.2');
  assert.equal(boundAddress({ kind: 'interface', name: 'tun0' }, down), null);
  assert.equal(boundAddress({ kind: 'address', address: '127.200.0.4' }, up), '127.200.0.4');
  assert.equal(boundAddress({ kind: 'address', address: '192.168.1.6' }, up), null, 'a neighbour on a LAN subnet is not ours');
  assert.equal(interfaceOf('10.8.0.2', up), 'tun0');
});

test('each poll step: nothing, block when gone, open when back, block-then-reopen when it moved', () => {
  const t = { kind: 'interface', name: 'tun0' } as const;
  assert.deepEqual(bindStep(t, '10.8.0.2', '10.8.0.2'), { action: 'none' });
  const gone = bindStep(t, '10.8.0.2', null);
  assert.equal(gone.action, 'block');
  if (gone.action === 'block') assert.match(gone.message, /--bind-interface tun0 \(10\.8\.0\.2\).*nothing is sent from another address/);
  assert.deepEqual(bindStep(t, null, '10.8.0.2'), { action: 'open', address: '10.8.0.2' });
  assert.deepEqual(bindStep(t, '10.8.0.2', '10.8.0.9'), { action: 'move', from: '10.8.0.2', to: '10.8.0.9' });
  assert.deepEqual(bindStep(t, null, null), { action: 'none' });
});

test('labels and messages say which way traffic goes, and never a password', () => {
  assert.equal(routeLabel({}), 'direct');
  assert.equal(routeLabel({ proxy: '10.0.0.1:1080' }), 'via proxy 10.0.0.1:1080');
  assert.equal(boundLabel({ kind: 'interface', name: 'tun0' }, '10.8.0.2', 'tun0'), 'bound to tun0 10.8.0.2');
  assert.equal(routeLabel({ proxy: '10.0.0.1:1080', bound: 'bound to tun0 10.8.0.2' }), 'via proxy 10.0.0.1:1080 (bound to tun0 10.8.0.2)');
  assert.match(proxyErrorMessage('10.0.0.1:1080', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }), /proxy 10\.0\.0\.1:1080 refused the connection/);
  assert.match(proxyErrorMessage('10.0.0.1:1080', { message: 'Socks5 Authentication failed' }), /refused our username\/password/);
  assert.deepEqual([1, 2, 3, 10, 100].map((n) => proxyRetryMs(n)), [500, 1000, 2000, 10_000, 10_000]);
});

test('the gate closes every tracked socket when blocked and refuses new ones until every block lifts', async () => {
  const gate = new RouteGate();
  const closed: string[] = [];
  const forget = gate.track({ close: (why) => closed.push(`a:${why}`) });
  gate.track({ close: (why) => closed.push(`b:${why}`) });
  forget();
  gate.block('bind', 'address gone');
  assert.deepEqual(closed, ['b:address gone']);
  gate.track({ close: (why) => closed.push(`c:${why}`) });
  assert.deepEqual(closed, ['b:address gone', 'c:address gone'], 'a socket made while blocked is closed at once');
  gate.block('proxy', 'proxy down');
  const waiting = gate.waitOpen(60_000);
  gate.unblock('bind');
  assert.equal(gate.blocked, true);
  assert.equal(gate.reason, 'proxy down');
  gate.unblock('proxy');
  assert.equal(await waiting, true);
  assert.equal(await gate.waitOpen(0), true);
});
