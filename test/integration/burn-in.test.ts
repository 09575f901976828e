/**
 * A picture subtitle burnt into a conversion, with real ffmpeg: a black clip carrying a VobSub
 * track (a white box shown from 1 s to 4 s, written by test/sim/vobsub.ts), or a PGS track (a red
 * box shown from 1 s to 3 s, written by test/sim/pgs.ts): ffmpeg can encode neither VobSub from
 * text nor PGS at all. `?transcode=mp4&burn=0` draws it into the picture, only while its cue
 * lasts and only where it is; without burn= the frame stays black.
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
import { BOX as PGS_BOX, writePgs } from '../sim/pgs.js';
import { activeProcesses } from '../../src/transcode/ffmpeg-stream.js';

const run = promisify(execFile);

/** Seeds a clip on a loopback swarm, adds it to a fresh service and waits for its metadata. */
async function serveClip(own: ReturnType<typeof closesAfter>, clip: string) {
  const bytes = fs.readFileSync(clip);
  const name = path.basename(clip);
  const fx = await makeFixture({ name, files: [{ name, length: bytes.length }], contents: [bytes], pieceLength: 16 * 1024 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 20 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, service: { transcode: { graceMs: 1000 } } }));
  const added = await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
  assert.equal(added.status, 201);
  await svc.manager.session(fx.infoHash)!.ready;
  return { svc, fx };
}

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
  const { svc, fx } = await serveClip(own, clip);
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

/** The frame at `t` seconds as RGB: red pixels inside and outside `box`, and the whole frame's pixel count. */
async function redPixels(file: string, t: number, width: number, box: { x1: number; x2: number; y1: number; y2: number }): Promise<{ inside: number; outside: number; total: number }> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-ss', String(t), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 4 * 1024 * 1024 });
  let inside = 0;
  let outside = 0;
  for (let i = 0; i + 2 < stdout.length; i += 3) {
    if (!(stdout[i]! > 150 && stdout[i + 1]! < 90 && stdout[i + 2]! < 90)) continue;
    const x = (i / 3) % width;
    const y = Math.floor(i / 3 / width);
    // Chroma subsampling smears the edge by a pixel: the edge belongs to neither count.
    if (x >= box.x1 && x <= box.x2 && y >= box.y1 && y <= box.y2) inside++;
    else if (x < box.x1 - 2 || x > box.x2 + 2 || y < box.y1 - 2 || y > box.y2 + 2) outside++;
  }
  return { inside, outside, total: stdout.length / 3 };
}

test('burn=N draws a PGS track: a red box at the cue time, where the cue puts it, and nowhere else', async (t) => {
  const own = closesAfter(t);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-burn-pgs-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sup = writePgs(path.join(dir, 'box.sup'), 1, 2);
  const clip = path.join(dir, 'black-pgs.mkv');
  // -copyts: the .sup starts at its first cue (1 s); without it ffmpeg would move that to 0.
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=black:s=320x240:r=25:d=5', '-i', sup, '-map', '0:v', '-map', '1:s', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:s', 'copy', '-copyts', clip]);
  const probe = await run('ffprobe', ['-v', 'error', '-select_streams', 's', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', clip]);
  assert.equal(probe.stdout.trim(), 'hdmv_pgs_subtitle');
  const { svc, fx } = await serveClip(own, clip);

  const burnt = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0?transcode=mp4&burn=0`);
  assert.equal(burnt.status, 200, await burnt.clone().text());
  assert.equal(burnt.headers.get('x-transcode-burn'), '0');
  assert.match(burnt.headers.get('x-transcode-reason') ?? '', /burning subtitle track 0 \(hdmv_pgs_subtitle\) into the picture/);
  const burntFile = path.join(dir, 'burnt.mp4');
  fs.writeFileSync(burntFile, Buffer.from(await burnt.arrayBuffer()));
  const box = (PGS_BOX.x2 - PGS_BOX.x1 + 1) * (PGS_BOX.y2 - PGS_BOX.y1 + 1);
  for (const at of [1.5, 2.5]) {
    const shown = await redPixels(burntFile, at, 320, PGS_BOX);
    assert.equal(shown.total, 320 * 240, 'the picture keeps its size');
    assert.ok(shown.inside > box * 0.9, `the red box is in the picture at ${at} s: ${shown.inside} red pixels of ${box}`);
    assert.equal(shown.outside, 0, `nothing red outside the box at ${at} s`);
  }
  for (const at of [0.5, 4]) {
    const none = await redPixels(burntFile, at, 320, PGS_BOX);
    assert.deepEqual([none.inside, none.outside], [0, 0], `no red before or after the cue (${at} s)`);
  }
  assert.equal(activeProcesses(), 0);
});
