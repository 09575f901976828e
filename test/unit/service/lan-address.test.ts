import assert from 'node:assert/strict';
import test from 'node:test';
import { announceAddresses, strmAddress } from '../../../src/service/lan-address.js';

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
