/**
 * On-the-fly transcoding through the real service, from real clips seeded slowly on the loopback
 * world: valid output per ffprobe, first bytes before the torrent completes, `?t=` seeking at 60%,
 * no ffmpeg outliving its request, a full slot table, and a missing ffmpeg.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeClip, inspectMedia, type Clip, type ClipKind } from '../sim/clips.js';
import { makeFixture, type TorrentFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService, type TestService } from '../sim/service.js';
import { activeProcesses } from '../../src/transcode/ffmpeg-stream.js';
import { closesAfter } from '../sim/cleanup.js';
import { recordNetworkPieces } from '../sim/pieces.js';

const run = promisify(execFile);
const SECONDS = 15;

async function clipFixture(kind: ClipKind, seconds = SECONDS): Promise<{ clip: Clip; fx: TorrentFixture }> {
  const clip = await makeClip(kind, { seconds });
  // Small pieces: the torrent has ~50-100 of them, so "before it completes" is measurable.
  const fx = await makeFixture({ name: clip.name, files: [{ name: clip.name, length: clip.bytes.length }], contents: [clip.bytes], pieceLength: 16 * 1024 });
  return { clip, fx };
}

/** Adds the torrent; returns the pieces it fetches from the network, in order, as they come. */
async function add(svc: TestService, fx: TorrentFixture): Promise<number[]> {
  const res = await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
  assert.equal(res.status, 201);
  const fetched = recordNetworkPieces(svc.manager.session(fx.infoHash)!);
  await svc.manager.session(fx.infoHash)!.ready;
  return fetched;
}

interface Fetched {
  status: number;
  headers: Headers;
  body: Buffer;
  /** Torrent bytes verified when the first body bytes arrived. */
  downloadedAtFirstByte: number;
  ttfbMs: number;
}

async function fetchAll(svc: TestService, fx: TorrentFixture, query: string): Promise<Fetched> {
  const t0 = Date.now();
  const res = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0?${query}`);
  const reader = res.body!.getReader();
  const chunks: Buffer[] = [];
  let downloadedAtFirstByte = -1;
  let ttfbMs = -1;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (downloadedAtFirstByte < 0) {
      downloadedAtFirstByte = svc.manager.session(fx.infoHash)!.status().downloaded;
      ttfbMs = Date.now() - t0;
    }
    chunks.push(Buffer.from(value));
  }
  return { status: res.status, headers: res.headers, body: Buffer.concat(chunks), downloadedAtFirstByte, ttfbMs };
}

async function inspectBody(body: Buffer, ext: string): Promise<Awaited<ReturnType<typeof inspectMedia>>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-tx-out-'));
  try {
    const file = path.join(dir, `out.${ext}`);
    fs.writeFileSync(file, body);
    return await inspectMedia(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function ffmpegChildren(): Promise<number[]> {
  try {
    const { stdout } = await run('pgrep', ['-P', String(process.pid), 'ffmpeg']);
    return stdout.split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function waitFor(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('each clip transcodes while downloading: valid codecs, real duration, seek to 60% lands there', async (t) => {
  const own = closesAfter(t);
  const clips = await Promise.all((['h264-aac-mp4', 'hevc-ac3-mkv', 'mpeg4-mp3-avi'] as const).map((k) => clipFixture(k)));
  const world = own(await startWorld({ fixtures: clips.map((c) => c.fx), rateBytesPerSec: 400 * 1024, dhtSize: 30 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap }));
  // Run the hardware test encodes before the clock that matters starts (start used to run them).
  assert.equal((await fetch(`${svc.baseUrl}/api/transcoder`)).status, 200);
  const decisions = (): string[] => svc.events.flatMap((e) => (e.event === 'transcode' ? [e.action] : []));
  type Kind = 'h264-aac-mp4' | 'hevc-ac3-mkv' | 'mpeg4-mp3-avi';
  // The MP4 plays as is, but asked through ?transcode=mp4 ffmpeg rewrites its container: a remux.
  const expected: Record<Kind, string> = {
    'h264-aac-mp4': 'remux; container=mp4; video=copy; audio=copy',
    'hevc-ac3-mkv': 'transcode; container=mp4; video=h264; audio=aac',
    // Browsers play MP3 in MP4, so only the MPEG-4 Part 2 video is converted.
    'mpeg4-mp3-avi': 'transcode; container=mp4; video=h264; audio=copy',
  };
  const codecs: Record<Kind, string[]> = { 'h264-aac-mp4': ['h264', 'aac'], 'hevc-ac3-mkv': ['h264', 'aac'], 'mpeg4-mp3-avi': ['h264', 'mp3'] };
  for (const { clip, fx } of clips) {
    await add(svc, fx);
    const out = await fetchAll(svc, fx, 'transcode=mp4');
    assert.equal(out.status, 200, `${clip.kind}: ${out.body.subarray(0, 300).toString()}`);
    assert.equal(out.headers.get('content-type'), 'video/mp4');
    assert.equal(out.headers.get('accept-ranges'), 'none');
    assert.equal(out.headers.get('x-transcode-decision'), expected[clip.kind as Kind], clip.kind);
    assert.ok(Math.abs(Number(out.headers.get('x-content-duration')) - SECONDS) < 0.5, `${clip.kind}: X-Content-Duration ${out.headers.get('x-content-duration')}`);
    assert.equal(out.headers.get('content-duration'), String(SECONDS));
    assert.ok(out.downloadedAtFirstByte < fx.content.length, `${clip.kind}: first bytes came before the torrent completed (${out.downloadedAtFirstByte}/${fx.content.length})`);
    const media = await inspectBody(out.body, 'mp4');
    assert.deepEqual(media.codecs, codecs[clip.kind as Kind], clip.kind);
    assert.ok(Math.abs(media.end - media.start - SECONDS) < 1, `${clip.kind}: output spans ${media.start}..${media.end}`);
  }

  // WebM from the HEVC/AC-3 Matroska: VP8 and Opus.
  const mkv = clips[1]!.fx;
  const webm = await fetchAll(svc, mkv, 'transcode=webm');
  assert.equal(webm.status, 200);
  assert.equal(webm.headers.get('content-type'), 'video/webm');
  const webmMedia = await inspectBody(webm.body, 'webm');
  assert.deepEqual(webmMedia.codecs, ['vp8', 'opus']);
  assert.ok(Math.abs(webmMedia.end - webmMedia.start - SECONDS) < 1, `webm spans ${webmMedia.start}..${webmMedia.end}`);

  // A seek to 60%: timestamps start there, for every clip and both containers.
  const target = SECONDS * 0.6;
  for (const [fx, container] of [[clips[0]!.fx, 'mp4'], [clips[1]!.fx, 'mp4'], [clips[2]!.fx, 'mp4'], [mkv, 'webm']] as const) {
    const seek = await fetchAll(svc, fx, `transcode=${container}&t=${target}`);
    assert.equal(seek.status, 200);
    assert.equal(seek.headers.get('x-transcode-start'), String(target));
    assert.ok(Math.abs(Number(seek.headers.get('x-content-duration')) - SECONDS) < 0.5, 'the duration stays the whole file');
    const media = await inspectBody(seek.body, container);
    assert.ok(media.firstVideoPts !== undefined && Math.abs(media.firstVideoPts - target) <= 1.5, `${fx.name} ${container}: first pts ${media.firstVideoPts}, wanted ${target}`);
    assert.ok(Math.abs(media.end - SECONDS) < 1, `${fx.name} ${container}: ends at ${media.end}`);
  }
  assert.ok(decisions().includes('remux') && decisions().includes('transcode'));
  assert.equal(activeProcesses(), 0);
});

test('no ffmpeg outlives its request; a full slot table answers 503 E_BUSY; bad queries are 400', async (t) => {
  const own = closesAfter(t);
  const { fx } = await clipFixture('hevc-ac3-mkv', 20);
  // Slow enough that ffmpeg is still waiting for pieces when the client leaves.
  const world = own(await startWorld({ fixtures: [fx], rateBytesPerSec: 150 * 1024, dhtSize: 30 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, service: { transcode: { maxConcurrent: 1, queueWaitMs: 300, graceMs: 1000 } } }));
  // The hardware test encodes run at the first need: paid here (start used to run them), they do
  // not delay the first conversion while the slow torrent fills the pieces the seek must find missing.
  assert.equal((await fetch(`${svc.baseUrl}/api/transcoder`)).status, 200);
  const fetched = await add(svc, fx);
  const url = `${svc.baseUrl}/stream/${fx.infoHash}/0?transcode=mp4`;
  const abort = new AbortController();
  const res = await fetch(url, { signal: abort.signal });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  const first = await reader.read();
  assert.ok(first.value && first.value.length > 0);
  assert.ok(svc.manager.session(fx.infoHash)!.status().downloaded < fx.content.length, 'still downloading');
  assert.equal(activeProcesses(), 1);
  assert.equal((await ffmpegChildren()).length, 1, 'one ffmpeg child while streaming');

  const busy = await fetch(url);
  assert.equal(busy.status, 503);
  assert.equal(busy.headers.get('retry-after'), '2');
  assert.equal(((await busy.json()) as { error: { code: string } }).error.code, 'E_BUSY');

  abort.abort();
  await reader.cancel().catch(() => {});
  assert.ok(await waitFor(async () => activeProcesses() === 0 && (await ffmpegChildren()).length === 0, 3000), 'ffmpeg gone within 3 s of the client leaving');

  for (const q of ['transcode=avi', 'transcode=mp4&t=abc', 'transcode=mp4&t=-4', 'transcode=mp4&t=1e9', 'transcode=mp4&device=toaster']) {
    const bad = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0?${q}`);
    assert.equal(bad.status, 400, q);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'E_BAD_ARGUMENT', q);
  }
  const past = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0?transcode=mp4&t=25`);
  assert.equal(past.status, 400, 'a time past the end');
  await past.body?.cancel();

  // The slot is free again, and a seek to 60% reads at 60% (input seeking over Range): its
  // first bytes come while the torrent is incomplete, and pieces past the middle were fetched
  // out of order for it.
  const session = svc.manager.session(fx.infoHash)!;
  const again = new AbortController();
  const next = await fetch(`${url}&t=12`, { signal: again.signal });
  assert.equal(next.status, 200);
  const seekFirst = await next.body!.getReader().read();
  assert.ok(seekFirst.value && seekFirst.value.length > 0);
  assert.ok(session.status().downloaded < fx.content.length, 'seek answered before the torrent completed');
  const half = Math.floor(fx.pieces / 2);
  const firstLate = fetched.findIndex((p) => p >= half);
  assert.ok(firstLate >= 0, `pieces past the middle were fetched for the seek (${fetched.length}/${fx.pieces} fetched)`);
  const have = new Set(fetched);
  const gapBefore = Array.from({ length: half }, (_, p) => p).filter((p) => !have.has(p));
  assert.ok(gapBefore.length > 0, `it jumped ahead: pieces before the middle were still missing (${gapBefore.length} of ${half})`);
  again.abort();
  assert.ok(await waitFor(async () => activeProcesses() === 0 && (await ffmpegChildren()).length === 0, 3000));
});

test('a missing ffmpeg: a clear 503 E_NO_FFMPEG, and the original stream still works', async (t) => {
  const own = closesAfter(t);
  const { clip, fx } = await clipFixture('h264-aac-mp4', 6);
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 20 }));
  const missing = '/nonexistent/bin/ffmpeg';
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, config: { ffmpegPath: missing } }));
  await add(svc, fx);
  const res = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0?transcode=webm`);
  assert.equal(res.status, 503);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, 'E_NO_FFMPEG');
  assert.match(body.error.message, /\/nonexistent\/bin\/ffmpeg was not found/);
  assert.match(body.error.message, /--ffmpeg/);
  assert.ok(svc.events.some((e) => e.event === 'warning' && e.code === 'E_NO_FFMPEG'));
  const original = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0`);
  assert.equal(original.status, 200);
  assert.ok(Buffer.from(await original.arrayBuffer()).equals(clip.bytes));
});
