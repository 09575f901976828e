/**
 * SSDP reflection, tried from a second network namespace as a LAN client and as a forged
 * off-subnet source: the media server's answers are one per search for ssdp:all, within a
 * per-source budget, never more than 3x the bytes asked, and none to a sender off its subnet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../sim/cli-process.js';

const INDEX = (process.pid % 90) + 5;
const SERVER_NS = `tlssdp${INDEX}`;
const CLIENT_NS = `tlssdp${INDEX + 100}`;
const SERVER_VETH = `tlsr${INDEX}a`;
const CLIENT_VETH = `tlsr${INDEX}b`;
const SERVER = `10.234.${INDEX}.1`;
const CLIENT = `10.234.${INDEX}.2`;
/** On the client's link but not on the advertised subnet: a forged or routed source. */
const STRANGER = `10.235.${INDEX}.2`;
const SSDP_TEST_PORT = 19_000 + INDEX;

function ip(args: string[], check = true): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (check && r.status !== 0) throw new Error(`"ip ${args.join(' ')}" failed: ${(r.stderr || r.error?.message || '').trim()} (needs root and iproute2: apt-get install -y iproute2)`);
}

function burst(from: string, count: number, st: string): { sent: number; sentBytes: number; replies: number; replyBytes: number } {
  const r = spawnSync('ip', ['netns', 'exec', CLIENT_NS, process.execPath, path.join(ROOT, 'test/sim/ssdp-search-burst.mjs'), from, String(SSDP_TEST_PORT), String(count), st, '1800'], { encoding: 'utf8', timeout: 15_000 });
  if (r.status !== 0) throw new Error(`the search burst failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { sent: number; sentBytes: number; replies: number; replyBytes: number };
}

test('SSDP answers: one per ssdp:all search, budgeted per source, under 3x the bytes, none off the subnet', async (t) => {
  const teardown = (): void => {
    ip(['netns', 'del', SERVER_NS], false);
    ip(['netns', 'del', CLIENT_NS], false);
  };
  teardown();
  t.after(teardown);
  // Two namespaces joined by a veth pair, so nothing here touches this host's own routes.
  ip(['netns', 'add', SERVER_NS]);
  ip(['netns', 'add', CLIENT_NS]);
  ip(['link', 'add', SERVER_VETH, 'netns', SERVER_NS, 'type', 'veth', 'peer', 'name', CLIENT_VETH, 'netns', CLIENT_NS]);
  for (const [ns, veth, addresses] of [[SERVER_NS, SERVER_VETH, [SERVER]], [CLIENT_NS, CLIENT_VETH, [CLIENT, STRANGER]]] as const) {
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    for (const a of addresses) ip(['-n', ns, 'addr', 'add', `${a}/24`, 'dev', veth]);
    ip(['-n', ns, 'link', 'set', veth, 'up']);
    ip(['-n', ns, 'route', 'add', '239.0.0.0/8', 'dev', veth]);
  }
  // A wrong answer to the stranger has a way to it, so the client would see it.
  ip(['-n', SERVER_NS, 'route', 'add', `10.235.${INDEX}.0/24`, 'dev', SERVER_VETH]);

  const server = spawn('ip', ['netns', 'exec', SERVER_NS, process.execPath, '--import', 'tsx', path.join(ROOT, 'test/sim/ssdp-advertiser-host.ts'), SERVER, String(SSDP_TEST_PORT)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => {
    server.kill('SIGKILL');
  });
  let serverOut = '';
  server.stderr.on('data', (d) => (serverOut += d));
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (d) => (serverOut += d) && serverOut.includes('ready') && resolve());
    server.once('exit', (code) => reject(new Error(`the advertiser exited (${code}): ${serverOut}`)));
  });

  const one = burst(CLIENT, 1, 'ssdp:all');
  assert.equal(one.replies, 1, 'one answer to one ssdp:all search');
  assert.ok(one.replyBytes <= 3 * one.sentBytes, `${one.replyBytes} bytes answered for ${one.sentBytes}`);

  const flood = burst(CLIENT, 30, 'ssdp:all');
  assert.ok(flood.replies >= 1 && flood.replies <= 4, `a burst of 30 searches got ${flood.replies} answers (budget: 4)`);
  assert.ok(flood.replyBytes < 3 * flood.sentBytes, `amplification ${(flood.replyBytes / flood.sentBytes).toFixed(2)}x`);

  const forged = burst(STRANGER, 30, 'ssdp:all');
  assert.equal(forged.replies, 0, 'no answer to a source off the advertised subnet');
});
