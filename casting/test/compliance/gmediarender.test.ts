/**
 * The CastTarget suite against the real gmediarender, in network namespaces (root, iproute2 and
 * gmediarender needed; the test fails with the reason when they are missing). The suite itself
 * runs inside the control namespace; its TAP report comes back here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestVideo, startRendererNamespace } from '../sim/renderer-netns.js';

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gmediarender-in-namespace.ts');

test('CastTarget compliance: DLNA (gmediarender in a network namespace)', { timeout: 120_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-compliance-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const video = path.join(dir, 'test.mp4');
  makeTestVideo(video, 20);
  const net = await startRendererNamespace({ index: 80, name: 'TL Compliance TV' });
  t.after(() => net.close());

  const result = await net.exec(RUNNER, [net.controlAddress, video, net.rendererName], { timeoutMs: 100_000 });
  const report = `${result.stdout}\n${result.stderr.slice(-2000)}`;
  const count = (name: string): number => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(result.stdout)?.[1] ?? NaN);
  assert.equal(result.code, 0, `the suite failed inside the namespace:\n${report}`);
  assert.equal(count('fail'), 0, report);
  assert.ok(count('pass') >= 9, `every case ran (${count('pass')} passed):\n${report}`);
});
