import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquireStoreLock, processIsAlive } from '../../../src/core/store-lock.js';
import { describeHolder, judgeLock, parseLock, serializeLock } from '../../../src/core/store-lock-file.js';
import { isTorrentLiveError } from '../../../src/errors.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-lock-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('lock text round-trips; anything else is not a lock', () => {
  const holder = { pid: 4242, port: 8888, since: '2024-05-01T10:00:00.000Z' };
  assert.deepEqual(parseLock(serializeLock(holder)), holder);
  assert.deepEqual(parseLock(serializeLock({ ...holder, port: null })), { ...holder, port: null });
  for (const bad of ['', '{"pid":', '{"pid":0,"port":1,"since":"x"}', '{"pid":1,"port":70000,"since":"x"}', '{"pid":1.5,"port":null,"since":"x"}', '[1]', '{"pid":1,"port":null}']) {
    assert.equal(parseLock(bad), undefined, bad);
  }
  assert.equal(describeHolder(holder), 'pid 4242, HTTP port 8888, since 2024-05-01T10:00:00.000Z');
  assert.match(describeHolder({ ...holder, port: null }), /HTTP port not yet open/);
});

test('a live holder holds; a dead one is stale; an unreadable lock is being written while fresh', () => {
  const holder = { pid: 7, port: 1, since: 'x' };
  assert.equal(judgeLock(holder, () => true, 60_000, 2_000), 'held');
  assert.equal(judgeLock(holder, () => false, 0, 2_000), 'stale');
  assert.equal(judgeLock(undefined, () => true, 500, 2_000), 'being-written');
  assert.equal(judgeLock(undefined, () => true, 5_000, 2_000), 'stale');
});

test('processIsAlive: this process is, a pid that exited is not', async () => {
  assert.equal(processIsAlive(process.pid), true);
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => child.on('exit', r));
  assert.equal(processIsAlive(child.pid!), false);
});

test('a second holder is refused with the first one named; after release the store is free', async (t) => {
  const file = path.join(tempDir(t), 'lock');
  const first = await acquireStoreLock(file, { storeRoot: '/the/store', pid: 1111, isAlive: () => true, now: () => new Date('2024-05-01T10:00:00.000Z') });
  await first.setPort(8899);
  await assert.rejects(acquireStoreLock(file, { storeRoot: '/the/store', pid: 2222, isAlive: () => true }), (err: unknown) => {
    assert.ok(isTorrentLiveError(err));
    assert.equal(err.code, 'E_STORE_LOCKED');
    assert.equal(err.exitCode, 1);
    assert.equal(err.message, 'the store /the/store is in use by another torrent-live (pid 1111, HTTP port 8899, since 2024-05-01T10:00:00.000Z); one process per store');
    return true;
  });
  await first.release();
  assert.equal(fs.existsSync(file), false);
  const again = await acquireStoreLock(file, { storeRoot: '/the/store', pid: 2222, isAlive: () => true });
  assert.equal(parseLock(fs.readFileSync(file, 'utf8'))?.pid, 2222);
  await first.release();
  assert.ok(fs.existsSync(file), "releasing a lock that is no longer ours leaves the new holder's");
  await again.release();
});

test('a stale lock (its pid is gone) is taken over; two takers racing for it: exactly one wins', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'lock');
  fs.writeFileSync(file, serializeLock({ pid: 999_999, port: 8888, since: '2024-01-01T00:00:00.000Z' }));
  const alive = new Set([3333, 4444]);
  const isAlive = (pid: number): boolean => alive.has(pid);
  const results = await Promise.allSettled([3333, 4444].map((pid) => acquireStoreLock(file, { storeRoot: dir, pid, isAlive })));
  const won = results.filter((r) => r.status === 'fulfilled');
  const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  assert.equal(won.length, 1, 'one taker holds the store');
  assert.equal(lost.length, 1);
  assert.match(String(lost[0]!.reason), /E_STORE_LOCKED|in use by another torrent-live \(pid (3333|4444)/);
  assert.ok([3333, 4444].includes(parseLock(fs.readFileSync(file, 'utf8'))!.pid));
  assert.deepEqual(fs.readdirSync(dir), ['lock'], 'the takeover guard is gone');
});

test('garbage in the lock file: waited on while fresh (a process writing it), taken over once old', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'lock');
  fs.writeFileSync(file, '');
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(file, old, old);
  const lock = await acquireStoreLock(file, { storeRoot: dir, pid: 5555, isAlive: () => true });
  assert.equal(parseLock(fs.readFileSync(file, 'utf8'))?.pid, 5555);
  await lock.release();
});

test('an unwritable state folder names the path and the cause', async (t) => {
  const file = path.join(tempDir(t), 'no-such-folder', 'lock');
  await assert.rejects(acquireStoreLock(file, { storeRoot: '/s' }), /cannot lock the store \/s: .*no-such-folder\/lock does not exist \(ENOENT\)/);
});
