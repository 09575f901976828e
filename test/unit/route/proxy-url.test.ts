import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProxyUrl, proxyLabel, redact } from '../../../src/route/proxy-url.js';
import { parseCommand } from '../../../src/cli/args.js';
import { TorrentLiveError } from '../../../src/errors.js';

test('socks5 and socks5h URLs, with and without credentials', () => {
  assert.deepEqual(parseProxyUrl('socks5://10.0.0.1:1080'), { scheme: 'socks5', host: '10.0.0.1', port: 1080 });
  assert.deepEqual(parseProxyUrl('SOCKS5H://proxy.example:9050/'), { scheme: 'socks5h', host: 'proxy.example', port: 9050 });
  assert.deepEqual(parseProxyUrl('socks5://al%40ice:p%3Ass@[::1]:1080'), { scheme: 'socks5', host: '::1', port: 1080, username: 'al@ice', password: 'p:ss' });
  assert.deepEqual(parseProxyUrl('socks5://u:@h:1'), { scheme: 'socks5', host: 'h', port: 1, username: 'u', password: '' });
  assert.equal(proxyLabel({ host: '::1', port: 1080 }), '[::1]:1080');
});

test('malformed URLs and other schemes are refused with the reason, never echoing the password', () => {
  const cases: Array<[string, RegExp]> = [
    ['http://10.0.0.1:8080', /unsupported scheme "http"/],
    ['socks4://10.0.0.1:1080', /unsupported scheme "socks4"/],
    ['10.0.0.1:1080', /not a URL/],
    ['socks5://10.0.0.1', /a port is required/],
    ['socks5://10.0.0.1:0', /port must be 1 to 65535/],
    ['socks5://10.0.0.1:70000', /port must be 1 to 65535/],
    ['socks5://10.0.0.1:1080/path', /nothing may follow/],
    ['socks5://user@10.0.0.1:1080', /credentials must be user:pass/],
    ['socks5://:pw@10.0.0.1:1080', /user and password must be/],
    ['socks5://u:%zz@10.0.0.1:1080', /bad %-escape/],
    ['socks5://bad_host!:1080', /not a host name/],
    ['socks5://[zz]:1080', /not a host name|IPv6/],
    [`socks5://${'a'.repeat(300)}:p@h:1`, /user and password must be/],
  ];
  for (const [url, why] of cases) assert.throws(() => parseProxyUrl(url), (err: Error) => why.test(err.message) && !err.message.includes('secret'), url);
  assert.throws(() => parseProxyUrl('ftp://u:secret@h:1'), (err: Error) => !err.message.includes('secret'));
  assert.equal(redact('socks5://u:secret@h:1'), 'socks5://u:***@h:1');
});

test('the CLI: --proxy and --bind-interface reach the config; bad input is E_BAD_ARGUMENT (exit 2)', () => {
  const c = parseCommand(['serve', '--proxy', 'socks5h://u:p@10.0.0.1:1080']);
  assert.ok(c.mode === 'serve');
  if (c.mode === 'serve') assert.deepEqual(c.config.proxy, { scheme: 'socks5h', host: '10.0.0.1', port: 1080, username: 'u', password: 'p' });
  const b = parseCommand(['serve', '--bind-interface', 'tun0']);
  if (b.mode === 'serve') assert.equal(b.config.bindInterface, 'tun0');
  for (const argv of [
    ['serve', '--proxy', 'http://10.0.0.1:3128'],
    ['serve', '--proxy', 'socks5://nohost'],
    ['serve', '--bind-interface', 'a/b'],
    ['serve', '--bind', '10.0.0.2', '--bind-interface', 'tun0'],
    ['serve', '--bind', 'not-an-ip'],
    ['serve', '--proxy', 'socks5://10.0.0.1:1080', '--dnsbl', 'zen.example'],
  ]) {
    assert.throws(() => parseCommand(argv), (err: unknown) => err instanceof TorrentLiveError && err.exitCode === 2, argv.join(' '));
  }
});
