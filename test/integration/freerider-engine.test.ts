/**
 * The freerider guarantees on the peer side, checked on the wire against the real CLI process:
 * no TCP port accepts connections except the HTTP server, and a peer that requests blocks gets
 * zero bytes and is never unchoked. (The DHT side, `ro: 1` and unanswered queries, is tested
 * with the private lookup.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startLeechProbe } from '../sim/leech-probe.js';
import { closesAfter, stopChild } from '../sim/cleanup.js';
import { CLI_NODE_ARGS } from '../sim/cli-process.js';


/** TCP ports the process listens on, from the kernel's socket table (ss). */
function listeningTcpPorts(pid: number): number[] {
  const out = execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(`pid=${pid},`))
    .map((line) => Number(line.trim().split(/\s+/)[3]!.split(':').pop()));
}

test('freerider: no listening socket but HTTP, no byte uploaded to a requesting peer', async (t) => {
  const own = closesAfter(t);
  const fx = await makeFixture({ name: 'free.mp4', files: [{ name: 'free.mp4', length: 3_000_000 }], seed: 81, pieceLength: 64 * 1024 });
  const world = own(await startWorld({ fixtures: [fx], blockDelayMs: 5 }));
  const probe = own(await startLeechProbe({ host: '127.21.0.1', infoHash: fx.infoHash, pieces: fx.pieces, bootstrap: world.dht.bootstrap }));
  const cwd = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-free-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [...CLI_NODE_ARGS, fx.infoHash, 'store', '--json', '--port', '0', '--host', '127.0.0.1', '--bind', '127.0.0.1', '--dht-bootstrap', world.dht.bootstrap.join(',')], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  own(child, stopChild);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const events: Array<Record<string, unknown>> = [];
  let onEvent = () => {};
  readline.createInterface({ input: child.stdout! }).on('line', (l) => {
    try {
      events.push(JSON.parse(l) as Record<string, unknown>);
      onEvent();
    } catch {}
  });
  const until = (pred: () => boolean) => new Promise<void>((resolve) => { const check = () => pred() && resolve(); onEvent = check; check(); });
  await until(() => events.some((e) => e['event'] === 'done'));
  const httpPort = Number(new URL(events.find((e) => e['event'] === 'ready')!['url'] as string).port);
  // Give the probe time to ask for every piece the client now announces.
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(listeningTcpPorts(child.pid!), [httpPort], 'only the HTTP port listens');
  assert.ok(probe.connections > 0, 'the client connected to the probe');
  assert.ok(probe.requestsSent > 0, 'the probe asked for blocks');
  assert.equal(probe.piecesReceived, 0);
  assert.equal(probe.bytesReceived, 0);
  assert.equal(probe.unchokedByClient, false);
  child.kill('SIGINT');
  assert.equal(await exited, 0);
});
