/**
 * --proxy against proxies that say no or talk garbage (test/sim/fake-socks.ts), on loopback: the
 * CLI names the proxy and why in its `route` event and GET /api/route, keeps serving, and sends
 * nothing to the DHT bootstrap node directly (a UDP socket here counts what reaches it).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, type CliEvent } from '../sim/cli-process.js';
import { closesAfter } from '../sim/cleanup.js';
import { startFakeSocks, type FakeSocksMode } from '../sim/fake-socks.js';

const HASH = 'c9e15763f722f23e98a29decdfae341b98d53056';

async function runAgainst(t: TestContext, mode: FakeSocksMode, index: number, creds: string): Promise<{ events: CliEvent[]; direct: number; proxy: { connections: number; datagrams: number }; route: { blocked: boolean; message?: string } }> {
  const own = closesAfter(t);
  const host = `127.200.0.${10 + index * 2}`;
  const proxy = own(await startFakeSocks(host, mode));
  // The bootstrap node: anything that reaches it came directly, not through the proxy.
  const bootstrap = dgram.createSocket('udp4');
  let direct = 0;
  bootstrap.on('message', () => direct++);
  await new Promise<void>((resolve) => bootstrap.bind(0, `127.200.0.${11 + index * 2}`, () => resolve()));
  own({ close: () => new Promise<void>((r) => bootstrap.close(() => r())) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlpx-hostile-'));
  own({ close: async () => fs.rmSync(dir, { recursive: true, force: true }) });
  const cli = own(runCli([HASH, '--store', 'store', '--json', '--port', '0', '--host', host, '--interface', '127.0.0.1', '--proxy', `socks5://${creds}${host}:${proxy.port}`, '--dht-bootstrap', `${host.replace(/\d+$/, String(11 + index * 2))}:${bootstrap.address().port}`], dir));
  const ready = await cli.waitFor((e) => e['event'] === 'ready');
  await cli.until('the proxy was tried and the service went on', () => proxy.connections >= 2 && cli.events().some((e) => e['event'] === 'route'));
  if (mode === 'udp-garbage') await cli.until('garbage relayed', () => proxy.datagrams > 0 && cli.events().some((e) => e['event'] === 'warning' && /bad UDP datagram/.test(String(e['message']))));
  const route = (await (await fetch(`${String(ready['url'])}/api/route`)).json()) as { blocked: boolean; message?: string };
  assert.equal(cli.child.exitCode, null, 'the service is still running');
  const events = cli.events();
  assert.equal(await cli.close(), 0);
  return { events, direct, proxy, route };
}

test('wrong credentials: blocked, the proxy named with the reason, nothing sent directly', { timeout: 60_000 }, async (t) => {
  const r = await runAgainst(t, 'reject-auth', 0, 'alice:wrong@');
  const blocked = r.events.find((e) => e['event'] === 'route' && e['blocked'] === true);
  assert.match(String(blocked?.['message']), /proxy 127\.200\.0\.10:\d+ refused our username\/password/);
  assert.equal(r.route.blocked, true);
  assert.match(String(r.route.message), /username\/password/);
  assert.ok(!JSON.stringify(r.events).includes('wrong'), 'the password is never printed');
  assert.equal(r.direct, 0);
});

test('a proxy answering garbage, on TCP or in relayed UDP, cannot crash the service and nothing leaks', { timeout: 60_000 }, async (t) => {
  const garbage = await runAgainst(t, 'garbage', 1, '');
  assert.equal(garbage.route.blocked, true);
  assert.match(String(garbage.route.message), /proxy 127\.200\.0\.12:\d+/);
  assert.equal(garbage.direct, 0);
  const udp = await runAgainst(t, 'udp-garbage', 2, 'u:p@');
  assert.ok(udp.proxy.datagrams > 0, 'the DHT went to the relay');
  assert.equal(udp.direct, 0);
});

test('a malformed proxy URL or another scheme: exit 2 with a message, before anything starts', async (t) => {
  const own = closesAfter(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlpx-badurl-'));
  own({ close: async () => fs.rmSync(dir, { recursive: true, force: true }) });
  for (const [url, why] of [['http://127.200.0.20:3128', /unsupported scheme "http"/], ['socks5://127.200.0.20', /a port is required/]] as const) {
    const cli = own(runCli([HASH, '--store', 'store', '--proxy', url], dir));
    assert.equal(await cli.exit, 2);
    assert.match(cli.err(), /E_BAD_ARGUMENT/);
    assert.match(cli.err(), why);
  }
  assert.ok(!fs.existsSync(path.join(dir, 'store')), 'nothing was written');
});
