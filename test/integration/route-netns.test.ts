/**
 * Issue 19 with real parts in namespaces of the test's own (test/sim/route-netns.ts): the product
 * in one, dante and the swarm in the other, an nftables counter on the product's side counting
 * every packet that is not allowed, from before the product starts until after it exits.
 * 1. --proxy: the stream is byte-exact through dante with the DHT over UDP ASSOCIATE; dante is
 *    killed mid-stream (blocked state), restarted (the stream resumes); 0 packets but to the proxy.
 * 2. --bind: the bound address is removed mid-stream (blocked), restored (resumes); 0 packets
 *    from any other address, though another address and a default route remain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli, ROOT, type CliEvent, type CliProcess } from '../sim/cli-process.js';
import { pseudoRandomBytes } from '../../src/demo/torrent-fixture.js';
import { leakedPackets, OTHER_IP, PRODUCT_IP, PRODUCT_NS, productAddress, PROXY_IP, PROXY_PORT, requireNetnsTools, setupNetns, startDante, startWorld, teardownNetns, waitListening, WORLD_NS } from '../sim/route-netns.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WORLD_ARGS = ['--import', import.meta.resolve('tsx'), path.join(ROOT, 'test/sim/route-world.ts')];
const FETCH = path.join(HERE, '../sim/netns-fetch.mjs');
const MEGABYTES = 6;
/** Two seeders at this rate each: the stream lasts a few seconds, long enough to cut it mid-way. */
const SEEDER_RATE = 768 * 1024;
const HTTP_PORT = 8888;

function fetchInProduct(url: string): { received(): number; failed(): string | undefined; done: Promise<Buffer>; stop(): void } {
  const child = spawn('ip', ['netns', 'exec', PRODUCT_NS, process.execPath, FETCH, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let n = 0;
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    chunks.push(d);
    n += d.length;
  });
  child.stderr.on('data', (d) => (err += d));
  let failed: string | undefined;
  const done = new Promise<Buffer>((resolve, reject) =>
    child.once('exit', (code) => {
      if (code === 0) return resolve(Buffer.concat(chunks));
      failed = `the stream's reader exited ${code}: ${err.slice(-500)}`;
      reject(new Error(failed));
    }),
  );
  done.catch(() => {});
  return { received: () => n, failed: () => failed, done, stop: () => child.kill('SIGKILL') };
}

/** Until check() holds; fails if the CLI or the fetch ends first. */
async function until(what: string, check: () => boolean, cli: CliProcess, fetch: { failed(): string | undefined }): Promise<void> {
  await cli.until(what, () => {
    const failed = fetch.failed();
    if (failed) throw new Error(`${failed} before ${what}`);
    return check();
  });
}

/** The first event after the first `after` events that matches. */
async function nextEvent(cli: CliProcess, after: number, pred: (e: CliEvent) => boolean): Promise<CliEvent> {
  let found: CliEvent | undefined;
  await cli.until('the awaited event', () => (found = cli.events().slice(after).find(pred)) !== undefined);
  return found!;
}

/** Cleanups run in reverse order of registration (the namespaces go last), on every path. */
function cleanups(t: { after(fn: () => Promise<void>): void }): (fn: () => unknown) => void {
  const list: Array<() => unknown> = [];
  t.after(async () => {
    for (const fn of list.reverse()) {
      try {
        await fn();
      } catch {
        // Keep cleaning: a failed step must not leave the namespaces behind.
      }
    }
  });
  return (fn) => list.push(fn);
}

const isRoute = (pred: (e: CliEvent) => boolean) => (e: CliEvent) => e['event'] === 'route' && pred(e);

async function streamWithOutage(cli: CliProcess, infoHash: string, length: number, cut: () => Promise<void>, restore: () => Promise<void>): Promise<{ bytes: Buffer; blockedAfterMs: number; blockedEvent: CliEvent }> {
  const meta = await cli.waitFor((e) => e['event'] === 'metadata' && e['infoHash'] === infoHash);
  const file = (meta['files'] as Array<{ url: string }>)[0]!;
  const fetch = fetchInProduct(`http://127.0.0.1:${HTTP_PORT}${file.url}`);
  try {
    await until('a third of the stream', () => fetch.received() > length / 3, cli, fetch);
    assert.ok(fetch.received() < length, 'the stream was still running when the route was cut');
    const before = cli.events().length;
    const cutAt = performance.now();
    await cut();
    const blockedEvent = await nextEvent(cli, before, isRoute((r) => r['blocked'] === true));
    const blockedAfterMs = performance.now() - cutAt;
    // Blocked for a while: nothing may go out meanwhile (the counter is read at the end).
    await new Promise((r) => setTimeout(r, 1_500));
    const mid = cli.events().length;
    await restore();
    await nextEvent(cli, mid, isRoute((r) => r['blocked'] === false));
    return { bytes: await fetch.done, blockedAfterMs, blockedEvent };
  } finally {
    fetch.stop();
  }
}

test('--proxy through dante: byte-exact stream, DHT over UDP ASSOCIATE, proxy killed and restarted mid-stream, no packet but to the proxy', { timeout: 90_000 }, async (t) => {
  const { danted } = requireNetnsTools();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlpx-proxy-'));
  const cleanup = cleanups(t);
  cleanup(() => {
    teardownNetns();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  setupNetns({ leak: `ip daddr != ${PROXY_IP}`, defaultVia: PROXY_IP });
  let dante = startDante(danted, dir);
  cleanup(() => dante.kill());
  await waitListening(WORLD_NS, PROXY_PORT);
  const world = await startWorld(WORLD_ARGS, MEGABYTES, SEEDER_RATE);
  cleanup(() => world.close());

  const cli = runCli([world.magnet, '--store', path.join(dir, 'store'), '--json', '--port', String(HTTP_PORT), '--host', '127.0.0.1', '--interface', '127.0.0.1', '--proxy', `socks5://${PROXY_IP}:${PROXY_PORT}`, '--dht-bootstrap', world.bootstrap.join(',')], dir, { prefix: ['ip', 'netns', 'exec', PRODUCT_NS] });
  cleanup(() => cli.close());
  await cli.waitFor(isRoute((e) => e['route'] === 'proxy' && e['blocked'] === false && e['label'] === `via proxy ${PROXY_IP}:${PROXY_PORT}`));

  const { bytes, blockedAfterMs, blockedEvent } = await streamWithOutage(
    cli,
    world.infoHash,
    world.length,
    () => dante.kill(),
    async () => {
      dante = startDante(danted, dir);
      await waitListening(WORLD_NS, PROXY_PORT);
    },
  );
  assert.match(String(blockedEvent['message']), new RegExp(`proxy ${PROXY_IP}:${PROXY_PORT}`), 'the blocked state names the proxy');
  // The bound: the association's TCP control connection closes with dante, so it is event-driven.
  assert.ok(blockedAfterMs < 2_000, `blocked state after ${Math.round(blockedAfterMs)} ms`);
  assert.equal(bytes.length, world.length);
  assert.ok(bytes.equals(pseudoRandomBytes(world.length, 7)), 'the stream is byte-exact');
  assert.equal(await cli.close(), 0);
  assert.ok(leakedPackets('proxyudp') > 20, 'the DHT lookup went over UDP to the proxy (UDP ASSOCIATE)');
  assert.equal(leakedPackets(), 0, 'no packet to any address but the proxy, start-up and shutdown included');
  t.diagnostic(`blocked ${Math.round(blockedAfterMs)} ms after dante was killed; ${leakedPackets('proxyudp')} UDP packets to the relay; sha256 ${crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 16)}`);
});

test('--bind kill switch: the address removed mid-stream blocks, restored resumes, no packet from another address', { timeout: 90_000 }, async (t) => {
  requireNetnsTools();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlpx-bind-'));
  const cleanup = cleanups(t);
  cleanup(() => {
    teardownNetns();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  // The default route leaves from the other address: a socket not bound to ours would use it.
  setupNetns({ leak: `ip saddr != ${PRODUCT_IP}`, defaultVia: '10.200.2.1' });
  const world = await startWorld(WORLD_ARGS, MEGABYTES, SEEDER_RATE);
  cleanup(() => world.close());

  const cli = runCli([world.magnet, '--store', path.join(dir, 'store'), '--json', '--port', String(HTTP_PORT), '--host', '127.0.0.1', '--interface', '127.0.0.1', '--bind', PRODUCT_IP, '--dht-bootstrap', world.bootstrap.join(',')], dir, { prefix: ['ip', 'netns', 'exec', PRODUCT_NS] });
  cleanup(() => cli.close());
  await cli.waitFor(isRoute((e) => e['route'] === 'bound' && e['blocked'] === false && e['label'] === `bound to tlpxp0 ${PRODUCT_IP}`));

  const { bytes, blockedAfterMs, blockedEvent } = await streamWithOutage(
    cli,
    world.infoHash,
    world.length,
    async () => productAddress('del', `${PRODUCT_IP}/24`),
    async () => productAddress('add', `${PRODUCT_IP}/24`),
  );
  assert.match(String(blockedEvent['message']), new RegExp(`--bind ${PRODUCT_IP}`));
  assert.ok(blockedAfterMs < 2_000, `blocked state after ${Math.round(blockedAfterMs)} ms`);
  assert.ok(bytes.equals(pseudoRandomBytes(world.length, 7)), 'the stream is byte-exact');
  assert.equal(await cli.close(), 0);
  assert.equal(leakedPackets(), 0, `no packet from any address but ${PRODUCT_IP} (${OTHER_IP} and a default route were there all along)`);
  t.diagnostic(`blocked ${Math.round(blockedAfterMs)} ms after the address was removed`);
});
