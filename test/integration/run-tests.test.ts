/**
 * scripts/run-tests.mjs: a file that never exits is killed at its limit with what it started,
 * counted as a failure, and the run goes on to the next file and ends with a summary.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../sim/cli-process.js';
import { closesAfter } from '../sim/cleanup.js';
import { until } from '../sim/wait.js';

const run = promisify(execFile);

/** Running, as opposed to gone or a zombie waiting for its new parent to reap it. */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

test('a hanging file is killed with its children; the summary counts it and the passing file', async (t) => {
  const own = closesAfter(t);
  const dir = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-runner-')), (d) => fs.rmSync(d, { recursive: true, force: true }));
  const pidFile = path.join(dir, 'child.pid');
  const result = await run(process.execPath, ['scripts/run-tests.mjs', 'test/fixtures/runner/hangs.ts', 'test/fixtures/runner/passes.ts'], {
    cwd: ROOT,
    env: { ...process.env, TEST_FILE_TIMEOUT_S: '4', RUNNER_PID_FILE: pidFile },
    timeout: 60_000,
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' }),
  );
  assert.equal(result.code, 1, 'a failing run exits 1');
  assert.match(result.stderr, /hangs\.ts still running after 4 s/);
  assert.match(result.stdout, /FAILED {2}test\/fixtures\/runner\/hangs\.ts {2}\(timed out after 4 s\)/);
  // The killed file never wrote its report: it counts as one failure; passes.ts brings two passes.
  assert.match(result.stdout, /^2 passed, 1 failed, in 2 files \(1 failing\)$/m);
  const child = Number(fs.readFileSync(pidFile, 'utf8'));
  // SIGKILL is delivered asynchronously: give the kernel a moment rather than a fixed sleep.
  await until('the child the hanging file left behind to be killed with it', () => !running(child), 5_000);
});
