import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bearerToken,
  classifyOrigin,
  isAllowedHost,
  isLoopbackAddress,
  isStateChanging,
  parseCookies,
  parseHostPort,
  tokensEqual,
  withoutQueryParam,
} from '../../../src/server/auth-rules.js';

test('isLoopbackAddress: all of 127/8, ::1 and mapped forms; nothing else', () => {
  for (const ip of ['127.0.0.1', '127.5.0.1', '127.255.255.254', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) {
    assert.equal(isLoopbackAddress(ip), true, ip);
  }
  for (const ip of ['192.168.1.10', '10.0.0.1', '::ffff:192.168.1.2', '128.0.0.1', '::', '0.0.0.0', 'localhost', '', 'fe80::1']) {
    assert.equal(isLoopbackAddress(ip), false, ip);
  }
});

test('tokensEqual: exact match only, any length, empty never matches', () => {
  const token = 'k3Jd9_aZ-0qWlq0vTt7mB8xYc1Qp2Rr4Ss5Tt6Uu7V';
  assert.equal(tokensEqual(token, token), true);
  assert.equal(tokensEqual(token.slice(0, -1), token), false);
  assert.equal(tokensEqual(`${token}x`, token), false);
  assert.equal(tokensEqual(token.toUpperCase(), token), false);
  assert.equal(tokensEqual(undefined, token), false);
  assert.equal(tokensEqual('', token), false);
  assert.equal(tokensEqual('', ''), false);
});

test('parseCookies: several cookies, spaces, quotes, encoding, first wins, junk ignored', () => {
  const cookies = parseCookies('a=1; tl_pair=abc%2Fdef;  b="quoted" ; junk; =nope; a=2');
  assert.equal(cookies.get('a'), '1');
  assert.equal(cookies.get('tl_pair'), 'abc/def');
  assert.equal(cookies.get('b'), 'quoted');
  assert.equal(cookies.has('junk'), false);
  assert.equal(cookies.size, 3);
  assert.equal(parseCookies(undefined).size, 0);
  assert.equal(parseCookies('x=%E0%A4%A').get('x'), '%E0%A4%A', 'malformed escapes are kept raw, not thrown');
});

test('bearerToken: only the Bearer scheme with one token', () => {
  assert.equal(bearerToken('Bearer abc.def'), 'abc.def');
  assert.equal(bearerToken('bearer   xyz '), 'xyz');
  assert.equal(bearerToken('Basic dXNlcjpwYXNz'), undefined);
  assert.equal(bearerToken('Bearer a b'), undefined);
  assert.equal(bearerToken('Bearer'), undefined);
  assert.equal(bearerToken(undefined), undefined);
});

test('parseHostPort: names, ports, IPv6 brackets, trailing dot, garbage', () => {
  assert.deepEqual(parseHostPort('LocalHost:8888'), { hostname: 'localhost', port: 8888 });
  assert.deepEqual(parseHostPort('192.168.1.5'), { hostname: '192.168.1.5', port: undefined });
  assert.deepEqual(parseHostPort('[::1]:8888'), { hostname: '::1', port: 8888 });
  assert.deepEqual(parseHostPort('::1'), { hostname: '::1', port: undefined });
  assert.deepEqual(parseHostPort('box.local.:80'), { hostname: 'box.local', port: 80 });
  for (const bad of ['', 'a b:1', 'host:99999', 'host:0', 'host:x', '[::1', '[nothex]:1', 'evil.com/@127.0.0.1', 'a:1:2']) {
    assert.equal(parseHostPort(bad), undefined, bad);
  }
});

test('isAllowedHost: own names with the right port pass; rebinding names and wrong ports fail', () => {
  const own = ['127.0.0.1:8888', 'localhost:8888', '[::1]:8888', '192.168.1.5:8888', 'mybox.local'];
  for (const host of ['127.0.0.1:8888', 'LOCALHOST:8888', '[::1]:8888', '192.168.1.5:8888', 'mybox.local:1234', 'mybox.local', 'localhost.:8888']) {
    assert.equal(isAllowedHost(host, own), true, host);
  }
  for (const host of [
    'attacker.example:8888', // the rebinding case: the attacker's name, re-pointed at us
    '127.0.0.1.nip.io:8888', // a name that resolves to loopback is still not ours
    'localhost.attacker.example:8888',
    '127.0.0.1:9999', // right address, another port (another local service's origin)
    '127.0.0.1', // no port means 80
    '192.168.1.6:8888',
    '',
    'mybox.local.evil:80',
  ]) {
    assert.equal(isAllowedHost(host, own), false, host);
  }
  assert.equal(isAllowedHost(undefined, own), false);
  assert.equal(isAllowedHost('localhost:80', ['localhost:80']), true);
  assert.equal(isAllowedHost('localhost', ['localhost:80']), true, 'absent port is 80');
});

test('classifyOrigin: same origin only when scheme-less host and port agree', () => {
  const host = '192.168.1.5:8888';
  assert.equal(classifyOrigin({ host, origin: 'http://192.168.1.5:8888' }), 'same-origin');
  assert.equal(classifyOrigin({ host, referer: 'http://192.168.1.5:8888/some/page?x=1' }), 'same-origin');
  assert.equal(classifyOrigin({ host }), 'no-origin');
  assert.equal(classifyOrigin({ host, secFetchSite: 'same-origin' }), 'same-origin');
  assert.equal(classifyOrigin({ host, origin: 'http://evil.example' }), 'cross-origin');
  assert.equal(classifyOrigin({ host, origin: 'http://192.168.1.5:9999' }), 'cross-origin', 'another port is another origin');
  assert.equal(classifyOrigin({ host, origin: 'null' }), 'cross-origin', 'sandboxed or file pages send "null"');
  assert.equal(classifyOrigin({ host, referer: 'http://evil.example/x' }), 'cross-origin');
  assert.equal(classifyOrigin({ host, origin: 'http://192.168.1.5:8888', secFetchSite: 'cross-site' }), 'cross-origin');
  assert.equal(classifyOrigin({ host, secFetchSite: 'same-site' }), 'cross-origin', 'same site, other port');
  assert.equal(classifyOrigin({ host: 'localhost', origin: 'http://localhost' }), 'same-origin', 'default port 80 both sides');
  assert.equal(classifyOrigin({ host: 'localhost:443', origin: 'https://localhost' }), 'same-origin');
  assert.equal(classifyOrigin({ host: undefined, origin: 'http://localhost' }), 'cross-origin');
  assert.equal(classifyOrigin({ host, origin: 'ftp://192.168.1.5:8888' }), 'cross-origin');
});

test('isStateChanging: writes only', () => {
  assert.deepEqual(
    ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE', 'get', 'post'].map(isStateChanging),
    [false, false, false, true, true, true, true, false, true],
  );
});

test('withoutQueryParam: drops only the named parameter, keeps path and others', () => {
  assert.equal(withoutQueryParam('/?token=abc', 'token'), '/');
  assert.equal(withoutQueryParam('/x/y?a=1&token=abc&b=2', 'token'), '/x/y?a=1&b=2');
  assert.equal(withoutQueryParam('/x', 'token'), '/x');
  for (const hostile of ['//evil.example/?token=1', '//evil.example//x?token=1', '/\\evil.example?token=1', '///evil.example?token=1']) {
    const target = withoutQueryParam(hostile, 'token');
    assert.equal(target.startsWith('/'), true, hostile);
    assert.equal(/^\/[\/\\]/.test(target), false, `${hostile} -> ${target} is never protocol-relative`);
  }
});
