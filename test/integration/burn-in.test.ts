/**
 * A picture subtitle burnt into a conversion, with real ffmpeg: a black clip carrying a VobSub
 * track (a white box shown from 1 s to 4 s, written by test/sim/vobsub.ts: ffmpeg can encode
 * neither VobSub from text nor PGS at all). `?transcode=mp4&burn=0` draws it into the picture,
 * and the same conversion without burn= leaves the frame black. PGS goes through the same overlay
 * path (ffmpeg decodes both to the same bitmap subtitles) but no PGS file is tested here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';
import { BOX, writeVobSub } from '../sim/vobsub.js';
import { activeProcesses } from '../../src/transcode/ffmpeg-stream.js';

const run = promisify(execFile);

/** Pixels brighter than mid-grey in the frame at `t` seconds of an MP4 body. */
async function brightPixels(file: string, t: number): Promise<number> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-ss', String(t), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], { encoding: 'buffer', maxBuffer: 4 * 1024 * 1024 });
  return stdout.reduce((n, v) => (v > 128 ? n + 1 : n), 0);
}

test('burn=N draws a picture subtitle into the converted picture; without it the frame stays black', async (t) => {
  const own = closesAfter(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-burn-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const idx = writeVobSub(path.join(dir, 'subs'), 1, 3);
  const clip = path.join(dir, 'black-vobsub.mkv');
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=black:s=320x240:r=25:d=6', '-i', idx, '-map', '0:v', '-map', '1:s', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:s', 'copy', clip]);
  const bytes = fs.readFileSync(clip);
  const fx = await makeFixture({ name: 'black-vobsub.mkv', files: [{ name: 'black-vobsub.mkv', length: bytes.length }], contents: [bytes], pieceLength: 16 * 1024 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 20 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, service: { transcode: { graceMs: 1000 } } }));
  const added = await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
  assert.equal(added.status, 201);
  await svc.manager.session(fx.infoHash)!.ready;
  const base = `${svc.baseUrl}/stream/${fx.infoHash}/0?transcode=mp4`;

  const burnt = await fetch(`${base}&burn=0`);
  assert.equal(burnt.status, 200);
  assert.equal(burnt.headers.get('x-transcode-burn'), '0');
  assert.match(burnt.headers.get('x-transcode-decision') ?? '', /^transcode; container=mp4; video=h264/);
  assert.match(burnt.headers.get('x-transcode-reason') ?? '', /burning subtitle track 0 \(dvd_subtitle\) into the picture, so the video is re-encoded/);
  const burntFile = path.join(dir, 'burnt.mp4');
  fs.writeFileSync(burntFile, Buffer.from(await burnt.arrayBuffer()));
  const box = (BOX.x2 - BOX.x1 + 1) * (BOX.y2 - BOX.y1 + 1);
  const shown = await brightPixels(burntFile, 2);
  assert.ok(shown > box * 0.8 && shown < box * 1.2, `the subtitle box is in the picture at 2 s: ${shown} bright pixels, box ${box}`);
  assert.equal(await brightPixels(burntFile, 0.5), 0, 'before the cue the frame is black');
  assert.equal(await brightPixels(burntFile, 5), 0, 'after the cue the frame is black again');

  const plain = await fetch(base);
  assert.equal(plain.status, 200);
  const plainFile = path.join(dir, 'plain.mp4');
  fs.writeFileSync(plainFile, Buffer.from(await plain.arrayBuffer()));
  assert.equal(await brightPixels(plainFile, 2), 0, 'without burn= the subtitle is not in the picture');

  const missing = await fetch(`${base}&burn=3`);
  assert.equal(missing.status, 404);
  assert.match(((await missing.json()) as { error: { message: string } }).error.message, /has 1 subtitle track\(s\); there is no track 3 to burn in/);
  assert.equal((await fetch(`${base}&burn=x`)).status, 400);
  assert.equal(activeProcesses(), 0);
});
