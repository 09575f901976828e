import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindAddressProblem, dialFailureFromUtpError, dialTargetProblem, shouldBlockIncoming } from '../../../src/transport/utp-rules.js';

test('a libutp error during a dial maps to a DialFailure; a ST_RESET is a refusal whatever libutp calls it', () => {
  assert.equal(dialFailureFromUtpError('UTP_ECONNREFUSED'), 'refused');
  // libutp names a ST_RESET to our ST_SYN UTP_ECONNRESET (it tests the state after overwriting it).
  assert.equal(dialFailureFromUtpError('UTP_ECONNRESET'), 'refused');
  assert.equal(dialFailureFromUtpError('UTP_ETIMEDOUT'), 'timeout');
  assert.equal(dialFailureFromUtpError('UTP_UNKNOWN'), 'unreachable');
  assert.equal(dialFailureFromUtpError(undefined), 'unreachable');
});

test('only IPv4 literals with a port in 1..65535 can be dialled; the problem names the target and the way out', () => {
  assert.equal(dialTargetProblem({ host: '10.0.0.7', port: 6881 }), null);
  assert.equal(dialTargetProblem({ host: '127.150.0.1', port: 65535 }), null);
  const table: Array<[string, number, RegExp]> = [
    ['::1', 6881, /::1:6881: an IPv6 address; utp-native speaks IPv4 only \(dial it over TCP\)/],
    ['tracker.example', 6881, /tracker\.example:6881: not an IP address/],
    ['10.0.0.256', 6881, /not an IP address/],
    ['', 6881, /not an IP address/],
    ['10.0.0.7', 0, /10\.0\.0\.7:0: the port must be an integer from 1 to 65535/],
    ['10.0.0.7', 65536, /the port must be/],
    ['10.0.0.7', 6881.5, /the port must be/],
    ['10.0.0.7', Number.NaN, /the port must be/],
  ];
  for (const [host, port, expected] of table) assert.match(dialTargetProblem({ host, port }) ?? 'null', expected, `${host}:${port}`);
});

test('bind: undefined (all) and IPv4 literals pass; anything else is named with the fix', () => {
  assert.equal(bindAddressProblem(undefined), null);
  assert.equal(bindAddressProblem('0.0.0.0'), null);
  assert.equal(bindAddressProblem('192.168.1.20'), null);
  assert.match(bindAddressProblem('::') ?? '', /cannot bind ::: utp-native binds IPv4 addresses only; give --bind an IPv4 address/);
  assert.match(bindAddressProblem('localhost') ?? '', /cannot bind localhost/);
});

test('incoming is blocked for a freerider, while closing, and at the cap; open only below it with a handler', () => {
  const base = { closing: false, accepting: true, incoming: 0, maxIncoming: 2 };
  assert.equal(shouldBlockIncoming(base), false);
  assert.equal(shouldBlockIncoming({ ...base, incoming: 1 }), false);
  assert.equal(shouldBlockIncoming({ ...base, incoming: 2 }), true);
  assert.equal(shouldBlockIncoming({ ...base, incoming: 3 }), true);
  assert.equal(shouldBlockIncoming({ ...base, accepting: false }), true);
  assert.equal(shouldBlockIncoming({ ...base, closing: true }), true);
  assert.equal(shouldBlockIncoming({ ...base, maxIncoming: 0 }), true);
});
