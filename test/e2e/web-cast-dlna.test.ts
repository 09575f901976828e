/**
 * End to end, cast from the phone page to the real DLNA renderer gmediarender. libupnp refuses
 * loopback, so the renderer runs in a network namespace joined by a veth pair to a second one
 * where `torrent-live demo` and headless Chromium run (test/e2e/dlna-cast-drive.ts); both are
 * deleted afterwards. The page must show what the renderer reports: playing with a position that
 * advances, paused, the new position after a seek, stopped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRendererNamespace } from '@torrent-live/casting/testing';
import { requireTool } from '../sim/require-tool.js';
import { CHROMIUM_PATH } from './browser.js';

const DRIVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dlna-cast-drive.ts');

test('cast from the page to gmediarender: playing, position advances, pause, seek, stop', async () => {
  requireTool('chromium', CHROMIUM_PATH); // the page runs in the control namespace's Chromium
  requireTool('ffprobe');
  const ns = await startRendererNamespace({ index: 7, name: 'Phone DLNA TV' });
  try {
    const run = await ns.exec(DRIVER, [ns.controlAddress, ns.rendererName, '8899'], { timeoutMs: 120_000 });
    const last = run.stdout.trim().split('\n').pop() ?? '';
    let result: Record<string, unknown>;
    try {
      result = JSON.parse(last) as Record<string, unknown>;
    } catch {
      assert.fail(`the driver printed no result (exit ${run.code}): ${run.stderr.slice(-1500)}`);
    }
    assert.equal(result['ok'], true, `${String(result['error'])}\n${run.stderr.slice(-1500)}`);
    assert.equal(result['playing'], true);
    const [from, to] = result['advanced'] as [number, number];
    assert.ok(to >= from + 2, `position advanced ${from} → ${to}`);
    assert.equal(result['duration'], '0:30', 'the renderer reports the real duration');
    assert.equal(result['paused'], true);
    assert.ok((result['seekedTo'] as number) >= 19, `seek landed at ${String(result['seekedTo'])} s`);
    assert.equal(result['stopped'], true);
    assert.ok((result['castEvents'] as string[]).includes('playing'), 'the cast event reached NDJSON');
    assert.deepEqual((result['problems'] as string[]).filter((p) => !p.startsWith('http 401')), []);
    assert.equal(result['demoExit'], 0, 'the demo exits 0 on Ctrl-C');
  } finally {
    await ns.close();
  }
});
