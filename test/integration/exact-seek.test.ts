/**
 * `&t=` in copy mode starts at the time asked, not at the keyframe before it. Clips made by ffmpeg
 * with 10 s between keyframes: `t=35` with the video copied (a remux, and an audio-only
 * conversion) starts within 0.1 s of 35 s, decodes without an error across the splice at 40 s,
 * and plays on to the end; `t=30`, on a keyframe, needs no splice; no ffmpeg is left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inspectBody, makeClip, type ClipKind } from '../sim/clips.js';
import { makeFixture, type TorrentFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService, type TestService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';
import { until } from '../sim/wait.js';
import { activeProcesses } from '../../src/transcode/ffmpeg-stream.js';

const run = promisify(execFile);
const SERVICE_HOST = '127.193.0.4';
const SECONDS = 60;

async function clipTorrent(kind: ClipKind): Promise<TorrentFixture> {
  const clip = await makeClip(kind, { seconds: SECONDS, keyframeSeconds: 10 });
  return makeFixture({ name: clip.name, files: [{ name: clip.name, length: clip.bytes.length }], contents: [clip.bytes], pieceLength: 64 * 1024 });
}

async function fetchAll(svc: TestService, fx: TorrentFixture, query: string): Promise<{ status: number; headers: Headers; body: Buffer; firstByteMs: number }> {
  const started = Date.now();
  const res = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0?${query}`);
  const reader = res.body!.getReader();
  const chunks: Buffer[] = [];
  let firstByteMs = -1;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (firstByteMs < 0) firstByteMs = Date.now() - started;
    chunks.push(Buffer.from(value));
  }
  return { status: res.status, headers: res.headers, body: Buffer.concat(chunks), firstByteMs };
}

/** ffmpeg's own verdict on the whole output: every frame decodes, nothing to say. */
async function decodeErrors(body: Buffer): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-exact-'));
  try {
    const file = path.join(dir, 'out.mp4');
    fs.writeFileSync(file, body);
    const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { maxBuffer: 4 * 1024 * 1024 });
    return stderr.trim();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('copy-mode &t= is exact: a spliced start at 35 s on a file with keyframes every 10 s', async (t) => {
  const own = closesAfter(t);
  const aac = await clipTorrent('h264-aac-mkv');
  const ac3 = await clipTorrent('h264-ac3-mkv');
  const world = own(await startWorld({ fixtures: [aac, ac3], dhtSize: 30, addressBlock: 190, seederBlock: 192 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, host: SERVICE_HOST, service: { mediaServer: { advertise: false, probeInBackground: false } } }));
  for (const fx of [aac, ac3]) {
    await svc.manager.add(fx.magnet);
    await svc.manager.session(fx.infoHash)!.ready;
  }
  const report: string[] = [];
  for (const [fx, decision] of [[aac, 'remux; container=mp4; video=copy; audio=copy'], [ac3, 'transcode; container=mp4; video=copy; audio=aac']] as const) {
    const out = await fetchAll(svc, fx, 'transcode=mp4&t=35');
    assert.equal(out.status, 200, out.body.subarray(0, 300).toString());
    assert.equal(out.headers.get('x-transcode-decision'), decision);
    const seek = /^exact; keyframe=([\d.]+)$/.exec(out.headers.get('x-transcode-seek') ?? '');
    assert.ok(seek && Math.abs(Number(seek[1]) - 40) < 0.05, `spliced up to the next keyframe, at 40 s (plus the muxer's few ms): ${out.headers.get('x-transcode-seek')}`);
    const media = await inspectBody(out.body, 'mp4');
    assert.deepEqual(media.codecs, ['h264', 'aac']);
    const error = Math.abs(media.firstVideoPts! - 35);
    report.push(`${decision.split(';')[0]}: first frame at ${media.firstVideoPts!.toFixed(3)} s (error ${error.toFixed(3)} s), first bytes after ${out.firstByteMs} ms`);
    assert.ok(error <= 0.1, `first frame at ${media.firstVideoPts}, wanted 35 within 0.1 s`);
    assert.ok(Math.abs(media.end - SECONDS) < 0.5, `plays on to the end: ${media.end}`);
    assert.equal(await decodeErrors(out.body), '', 'every frame decodes, across the splice too');
  }
  // On a keyframe: a plain copy is exact already.
  const keyAt30 = Number(/keyframe=([\d.]+)/.exec((await fetchAll(svc, aac, 'transcode=mp4&t=25')).headers.get('x-transcode-seek') ?? '')?.[1]);
  assert.ok(Math.abs(keyAt30 - 30) < 0.05, `the keyframe near 30 s: ${keyAt30}`);
  const onKey = await fetchAll(svc, aac, `transcode=mp4&t=${keyAt30}`);
  assert.equal(onKey.headers.get('x-transcode-seek'), 'keyframe');
  const onKeyMedia = await inspectBody(onKey.body, 'mp4');
  assert.ok(Math.abs(onKeyMedia.firstVideoPts! - keyAt30) <= 0.01, `first frame at ${onKeyMedia.firstVideoPts}`);
  t.diagnostic(report.join('; '));

  // A client that leaves mid-splice takes all three ffmpegs with it.
  const abort = new AbortController();
  const res = await fetch(`${svc.baseUrl}/stream/${aac.infoHash}/0?transcode=mp4&t=5`, { signal: abort.signal });
  await res.body!.getReader().read();
  assert.ok(activeProcesses() >= 2, 'the head (or tail) and the join run');
  abort.abort();
  await until('every ffmpeg gone after the client left', () => activeProcesses() === 0, 5_000);
});
