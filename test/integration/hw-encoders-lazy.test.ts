/**
 * The hardware encoders' test encodes are not paid at start: the service runs no ffmpeg until
 * something needs the encoder (here `GET /api/transcoder`), then runs the three test encodes
 * once and keeps the answer. ffmpeg is a wrapper that logs each run and execs the real one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';
import { findExecutable } from '../sim/require-tool.js';
import type { TranscoderStatus } from '../../src/transcode/transcode-route.js';

test('start runs no ffmpeg; the first status asks the hardware test encodes once, later ones reuse them', async (t) => {
  const own = closesAfter(t);
  const real = findExecutable('ffmpeg');
  assert.ok(real, 'ffmpeg is needed (npm run setup installs it)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-hw-lazy-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const runs = path.join(dir, 'runs.log');
  fs.writeFileSync(runs, '');
  const wrapper = path.join(dir, 'ffmpeg');
  fs.writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${runs}'\nexec '${real}' "$@"\n`, { mode: 0o755 });
  const logged = (): string[] => fs.readFileSync(runs, 'utf8').split('\n').filter(Boolean);

  const svc = own(await startService({ bootstrap: [], host: '127.170.0.1', config: { ffmpegPath: wrapper, bindAddress: '127.170.0.1', interface: '127.170.0.1' } }));
  // Whatever start set going has had time to spawn.
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(logged(), [], 'start spawned ffmpeg');

  const status = (await (await fetch(`${svc.baseUrl}/api/transcoder`)).json()) as TranscoderStatus;
  assert.deepEqual(status.hardwareTests.map((h) => h.encoder), ['h264_nvenc', 'h264_qsv', 'h264_vaapi']);
  const tests = logged();
  assert.equal(tests.length, 3, tests.join('\n'));
  for (const encoder of ['h264_nvenc', 'h264_qsv', 'h264_vaapi']) assert.ok(tests.some((l) => l.includes(`-c:v ${encoder}`)), `${encoder} test encode: ${tests.join('\n')}`);

  const again = (await (await fetch(`${svc.baseUrl}/api/transcoder`)).json()) as TranscoderStatus;
  assert.deepEqual(again.hardwareTests, status.hardwareTests);
  assert.equal(logged().length, 3, 'the answer is kept');
});
