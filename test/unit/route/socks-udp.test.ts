import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeUdpFrame, parseUdpFrame, relayEndpoint } from '../../../src/route/socks-udp.js';

test('UDP frames round-trip for IPv4, IPv6 and host names', () => {
  const payload = Buffer.from('d1:ad2:id20:xxxxxxxxxxxxxxxxxxxxe1:q4:ping1:t2:aa1:y1:qe');
  for (const host of ['10.200.100.7', '2001:db8::1', 'router.example']) {
    const parsed = parseUdpFrame(encodeUdpFrame({ host, port: 6881 }, payload));
    assert.ok(parsed.ok, host);
    if (parsed.ok) {
      assert.deepEqual(parsed.from, { host, port: 6881 });
      assert.ok(parsed.payload.equals(payload));
    }
  }
  assert.deepEqual([...encodeUdpFrame({ host: '1.2.3.4', port: 258 }, Buffer.alloc(0))], [0, 0, 0, 1, 1, 2, 3, 4, 1, 2]);
});

test('garbage from a proxy is a bad frame, never a throw or a read past the end', () => {
  const bad: Array<[number[], RegExp]> = [
    [[], /shorter/],
    [[0, 0, 0], /shorter/],
    [[1, 0, 0, 1, 1, 2, 3, 4, 0, 1], /reserved/],
    [[0, 0, 1, 1, 1, 2, 3, 4, 0, 1], /fragment/],
    [[0, 0, 0, 1, 1, 2, 3], /truncated IPv4/],
    [[0, 0, 0, 4, 1, 2, 3], /truncated IPv6/],
    [[0, 0, 0, 3, 200, 97, 98], /truncated host/],
    [[0, 0, 0, 3, 0, 0, 1], /truncated host/],
    [[0, 0, 0, 9, 1, 2, 3, 4, 0, 1], /unknown address type 9/],
  ];
  for (const [bytes, why] of bad) {
    const r = parseUdpFrame(Buffer.from(bytes));
    assert.equal(r.ok, false, JSON.stringify(bytes));
    if (!r.ok) assert.match(r.why, why);
  }
  // Random bytes: whatever they are, a value comes back.
  let x = 12345;
  for (let i = 0; i < 2000; i++) {
    const len = i % 40;
    const buf = Buffer.alloc(len);
    for (let j = 0; j < len; j++) buf[j] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
    if (len > 3 && i % 2) buf.fill(0, 0, 3);
    assert.equal(typeof parseUdpFrame(buf).ok, 'boolean');
  }
});

test('the UDP relay must be the proxy itself (or the all-zeros address meaning it)', () => {
  assert.deepEqual(relayEndpoint({ address: '10.0.0.1' }, { host: '0.0.0.0', port: 4000 }), { ok: true, relay: { host: '10.0.0.1', port: 4000 } });
  assert.deepEqual(relayEndpoint({ address: '10.0.0.1' }, { host: '10.0.0.1', port: 4000 }), { ok: true, relay: { host: '10.0.0.1', port: 4000 } });
  const third = relayEndpoint({ address: '10.0.0.1' }, { host: '203.0.113.9', port: 4000 });
  assert.equal(third.ok, false);
  if (!third.ok) assert.match(third.why, /203\.0\.113\.9.*not its own address 10\.0\.0\.1/);
  assert.equal(relayEndpoint({ address: '10.0.0.1' }, { host: '10.0.0.1', port: 0 }).ok, false);
});
