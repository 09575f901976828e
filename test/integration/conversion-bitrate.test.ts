/**
 * A conversion never sends much more than the source: an HEVC clip made by ffmpeg at a low
 * bitrate (where CRF 23 alone spends five times as much) converts to H.264 at no more than twice
 * the source's bitrate, as measured on the bytes the player receives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inspectBody } from '../sim/clips.js';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';
import { requireTool } from '../sim/require-tool.js';

const run = promisify(execFile);
const SERVICE_HOST = '127.193.0.7';
const SECONDS = 20;

test('the converted stream stays under twice the source bitrate', async (t) => {
  const own = closesAfter(t);
  requireTool('ffmpeg');
  const dir = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bitrate-')), (d) => fs.rmSync(d, { recursive: true, force: true }));
  const file = path.join(dir, 'low.mkv');
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${SECONDS}`, '-f', 'lavfi', '-i', `sine=frequency=440:duration=${SECONDS}`, '-c:v', 'libx265', '-preset', 'ultrafast', '-b:v', '200k', '-x265-params', 'log-level=error', '-c:a', 'aac', '-b:a', '64k', '-shortest', file]);
  const bytes = fs.readFileSync(file);
  const sourceBitRate = (bytes.length * 8) / SECONDS;
  const fx = await makeFixture({ name: 'low.mkv', files: [{ name: 'low.mkv', length: bytes.length }], contents: [bytes], pieceLength: 32 * 1024 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 30, addressBlock: 190, seederBlock: 195 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, host: SERVICE_HOST, service: { mediaServer: { advertise: false, probeInBackground: false } } }));
  await svc.manager.add(fx.magnet);
  await svc.manager.session(fx.infoHash)!.ready;
  const res = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0?transcode=mp4`);
  assert.equal(res.headers.get('x-transcode-decision'), 'transcode; container=mp4; video=h264; audio=copy');
  const body = Buffer.from(await res.arrayBuffer());
  const media = await inspectBody(body, 'mp4');
  const outBitRate = (body.length * 8) / (media.end - media.start);
  t.diagnostic(`source ${Math.round(sourceBitRate / 1000)} kbit/s, converted ${Math.round(outBitRate / 1000)} kbit/s (${(outBitRate / sourceBitRate).toFixed(2)}x)`);
  assert.ok(outBitRate <= 2 * sourceBitRate, `converted at ${Math.round(outBitRate / 1000)} kbit/s, more than twice the source's ${Math.round(sourceBitRate / 1000)}`);
});
