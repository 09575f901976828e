/**
 * One process per store: a second torrent-live on the same --store exits 1 naming the first one's
 * pid and HTTP port, and downloads nothing; a lock left by a process that died is taken over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../sim/cli-process.js';
import { closesAfter, type Own } from '../sim/cleanup.js';
import { storeLayout } from '../../src/core/store-layout.js';
import { parseLock, serializeLock } from '../../src/core/store-lock-file.js';

const HOST = '127.176.0.1';
const ARGS = ['--json', '--store', 'store', '--host', HOST, '--port', '0', '--dht-bootstrap', '127.176.0.9:9', '--bind', HOST, '--interface', '127.0.0.1'];

function tempDir(own: Own): string {
  return own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-lock-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
}

test('a second process on the same store exits 1 naming the first one (pid and port); the lock goes when the first stops', async (t) => {
  const own = closesAfter(t);
  const cwd = tempDir(own);
  const first = own(runCli(['serve', ...ARGS], cwd));
  const ready = await first.waitFor((e) => e['event'] === 'ready');
  const port = new URL(String(ready['url'])).port;
  const lockFile = storeLayout(path.join(cwd, 'store')).lockFile;
  assert.deepEqual({ ...parseLock(fs.readFileSync(lockFile, 'utf8')), since: '' }, { pid: first.child.pid, port: Number(port), since: '' }, 'the lock names the holder and its port');

  const second = own(runCli(['c9e15763f722f23e98a29decdfae341b98d53056', ...ARGS], cwd));
  assert.equal(await second.exit, 1, second.err());
  assert.match(second.err(), new RegExp(`E_STORE_LOCKED: the store .*store is in use by another torrent-live \\(pid ${first.child.pid}, HTTP port ${port}, since `));
  assert.match(second.err(), /stop it first, or give this one another --store/);
  assert.equal(fs.readdirSync(path.join(cwd, 'store', 'downloads')).length, 0, 'the second downloaded nothing');
  assert.ok(!fs.existsSync(path.join(cwd, 'store', '.torrent-live', 'library.json')), 'and recorded nothing');

  assert.equal(await first.close(), 0);
  assert.equal(fs.existsSync(lockFile), false, 'a clean stop removes the lock');
});

test('a lock left by a process that no longer runs is taken over', async (t) => {
  const own = closesAfter(t);
  const cwd = tempDir(own);
  const dead = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => dead.on('exit', r));
  const store = storeLayout(path.join(cwd, 'store'));
  fs.mkdirSync(store.stateDir, { recursive: true });
  fs.writeFileSync(store.lockFile, serializeLock({ pid: dead.pid!, port: 8888, since: '2024-01-01T00:00:00.000Z' }));
  const run = own(runCli(['serve', ...ARGS], cwd));
  await run.waitFor((e) => e['event'] === 'ready');
  assert.equal(parseLock(fs.readFileSync(store.lockFile, 'utf8'))?.pid, run.child.pid);
  assert.equal(await run.close(), 0);
});
