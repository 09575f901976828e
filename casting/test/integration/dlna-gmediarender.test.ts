import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTestVideo, startRendererNamespace } from '../sim/renderer-netns.js';

const DRIVE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../sim/dlna-drive.ts');

interface Step { step: string; status?: { state: string; positionSeconds: number; durationSeconds: number; volume: number }; [k: string]: unknown }

test('discovers the real gmediarender over SSDP in a network namespace and drives it', { timeout: 90_000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-dlna-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const video = path.join(dir, 'test.mp4');
  makeTestVideo(video, 20);
  // No skip: if the namespace cannot be made, this throws and the test fails with the reason.
  const net = await startRendererNamespace({ index: 1, name: 'TL Test TV' });
  t.after(() => net.close());

  const result = await net.exec(DRIVE, [net.controlAddress, video, net.rendererName], { timeoutMs: 70_000 });
  const steps: Step[] = result.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Step);
  const step = (name: string): Step => {
    const s = steps.find((x) => x.step === name);
    assert.ok(s, `step "${name}" missing; output:\n${result.stdout}\n${result.stderr.slice(-2000)}`);
    return s;
  };
  assert.equal(steps.find((s) => s.step === 'error'), undefined, `driver failed:\n${result.stdout}\n${result.stderr.slice(-2000)}`);

  const discovered = step('discovered').device as Record<string, unknown>;
  assert.equal(discovered.id, `dlna:${net.rendererUdn}`);
  assert.equal(discovered.kind, 'dlna');
  assert.equal(discovered.address, net.rendererAddress);
  assert.equal(discovered.name, 'TL Test TV');
  assert.ok(Array.isArray(discovered.sinkProtocols) && (discovered.sinkProtocols as string[]).some((p) => p.startsWith('http-get:*:video/')), 'sink list fetched and lists video types');

  const playing = step('playing').status!;
  assert.equal(playing.state, 'playing');
  const advanced = step('advanced').status!;
  assert.equal(advanced.state, 'playing');
  assert.ok(advanced.positionSeconds > playing.positionSeconds + 1, `position advances: ${playing.positionSeconds} → ${advanced.positionSeconds}`);
  assert.ok(advanced.durationSeconds > 19 && advanced.durationSeconds < 21, `duration ${advanced.durationSeconds}`);
  assert.equal(step('paused').status!.state, 'paused');
  const seeked = step('seeked').status!;
  assert.ok(Math.abs(seeked.positionSeconds - 12) < 2, `position after seek to 12 s: ${seeked.positionSeconds}`);
  assert.ok(Math.abs(step('volume').status!.volume - 0.4) < 0.02, 'volume set to 0.4');
  assert.equal(step('stopped').status!.state, 'stopped');

  const served = step('served') as unknown as { requests: Array<{ from: string; method: string }>; bytesSent: number };
  assert.ok(served.requests.some((r) => r.from === net.rendererAddress && r.method === 'GET'), 'the renderer fetched the stream');
  assert.ok(served.bytesSent > 0);
});
