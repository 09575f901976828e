/**
 * A store on a read-only file system is reported as such, naming the path and EROFS, with exit 1:
 * never as a missing file (ENOENT), which sends the user looking in the wrong place.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../sim/cli-process.js';
import { closesAfter } from '../sim/cleanup.js';

const ARGS = ['--json', '--host', '127.179.10.1', '--port', '0', '--dht-bootstrap', '127.179.10.9:9', '--bind', '127.179.10.1', '--interface', '127.0.0.1'];

test('a read-only store: exit 1 naming the path and EROFS, for an existing store and for a new one', async (t) => {
  assert.equal(process.getuid?.(), 0, 'this test mounts a tmpfs: run it as root');
  const own = closesAfter(t);
  const mountPoint = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-readonly-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]);
  own(mountPoint, (dir) => void execFileSync('umount', ['-l', dir]));
  const cwd = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-readonly-cwd-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));

  // A store used before (token, folders), then the disk goes read-only.
  const existing = path.join(mountPoint, 'store');
  const first = own(runCli(['serve', '--store', existing, ...ARGS], cwd));
  await first.waitFor((e) => e['event'] === 'ready');
  assert.equal(await first.close(), 0);
  execFileSync('mount', ['-o', 'remount,ro', mountPoint]);

  for (const store of [existing, path.join(mountPoint, 'never-made')]) {
    const run = own(runCli(['c9e15763f722f23e98a29decdfae341b98d53056', '--store', store, ...ARGS], cwd));
    assert.equal(await run.exit, 1, run.err());
    const err = run.err();
    assert.match(err, /^torrent-live: E_STORE: /);
    assert.ok(err.includes(store), `the message names the store: ${err}`);
    assert.match(err, /read-only file system \(EROFS\)/);
    assert.doesNotMatch(err, /ENOENT|no such file/i);
  }
});
