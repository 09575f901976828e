/**
 * Transcoding figures on the loopback world, for 720p clips (30 s H.264/AAC MP4 and HEVC/AC-3
 * MKV): time to first byte of the transcoded stream and the real-time factor (media seconds
 * produced / wall seconds), for MP4 and WebM output and a seek to 60%. The named alternative in
 * the same table is the plain original stream (`/stream/...` without ?transcode): what the
 * conversion costs on top of serving the bytes. Every case starts from an empty store (fresh
 * service), so the torrent download under the read is part of each figure, timed from the
 * request (after metadata).
 *   npx tsx bench/transcode.ts [seconds]
 *   npx tsx bench/transcode.ts capacity [seconds]   (two 1080p HEVC conversions at once, a third refused: transcode-capacity.ts)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeClip, inspectMedia, type Clip } from '../test/sim/clips.js';
import { makeFixture, type TorrentFixture } from '../test/sim/fixtures.js';
import { startWorld } from '../test/sim/world.js';
import { startService } from '../test/sim/service.js';
import { activeProcesses } from '../src/transcode/ffmpeg-stream.js';

const CAPACITY = process.argv[2] === 'capacity';
const SECONDS = Number(process.argv[CAPACITY ? 3 : 2] ?? 30);
if (CAPACITY) {
  const { capacityBench } = await import('./transcode-capacity.js');
  await capacityBench(Number(process.argv[3] ?? 40));
  process.exit(0);
}

interface Row {
  clip: string;
  mode: string;
  decision: string;
  ttfbMs: number;
  wallMs: number;
  mediaSeconds: number | undefined;
  bytes: number;
}

async function timed(svc: Awaited<ReturnType<typeof startService>>, fx: TorrentFixture, query: string, ext: string): Promise<Omit<Row, 'clip' | 'mode' | 'decision'> & { header: string }> {
  const t0 = performance.now();
  const res = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0${query ? `?${query}` : ''}`);
  if (res.status !== 200) throw new Error(`bench: ${query} answered ${res.status}: ${await res.text()}`);
  const reader = res.body!.getReader();
  const chunks: Buffer[] = [];
  let ttfb = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!ttfb) ttfb = performance.now() - t0;
    chunks.push(Buffer.from(value));
  }
  const wallMs = performance.now() - t0;
  const body = Buffer.concat(chunks);
  let mediaSeconds: number | undefined;
  if (query) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-'));
    try {
      fs.writeFileSync(path.join(dir, `out.${ext}`), body);
      const m = await inspectMedia(path.join(dir, `out.${ext}`));
      mediaSeconds = m.end - m.start;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } else {
    mediaSeconds = SECONDS;
  }
  return { ttfbMs: ttfb, wallMs, mediaSeconds, bytes: body.length, header: res.headers.get('x-transcode-decision') ?? 'plain bytes' };
}

async function runCase(bootstrap: string[], clip: Clip, fx: TorrentFixture, mode: string, query: string, ext: string): Promise<Row> {
  const svc = await startService({ bootstrap });
  try {
    await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
    await svc.manager.session(fx.infoHash)!.ready;
    const r = await timed(svc, fx, query, ext);
    return { clip: clip.kind, mode, decision: r.header.split(';')[0]!, ttfbMs: r.ttfbMs, wallMs: r.wallMs, mediaSeconds: r.mediaSeconds, bytes: r.bytes };
  } finally {
    await svc.close();
  }
}

const t0 = performance.now();
const clips = await Promise.all([
  makeClip('h264-aac-mp4', { seconds: SECONDS, width: 1280, height: 720, rate: 30 }),
  makeClip('hevc-ac3-mkv', { seconds: SECONDS, width: 1280, height: 720, rate: 30 }),
]);
const fixtures = await Promise.all(clips.map((c) => makeFixture({ name: c.name, files: [{ name: c.name, length: c.bytes.length }], contents: [c.bytes], pieceLength: 256 * 1024 })));
console.log(`clips made in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${clips.map((c, i) => `${c.name} ${(c.bytes.length / 1e6).toFixed(1)} MB, ${fixtures[i]!.pieces} pieces`).join('; ')}`);
const world = await startWorld({ fixtures, seeders: 2, dhtSize: 60 });
const rows: Row[] = [];
try {
  const seek = (SECONDS * 0.6).toFixed(1);
  for (const [i, clip] of clips.entries()) {
    const fx = fixtures[i]!;
    rows.push(await runCase(world.dht.bootstrap, clip, fx, 'original stream (alternative)', '', ''));
    rows.push(await runCase(world.dht.bootstrap, clip, fx, 'transcode=mp4', 'transcode=mp4', 'mp4'));
    rows.push(await runCase(world.dht.bootstrap, clip, fx, 'transcode=webm', 'transcode=webm', 'webm'));
    rows.push(await runCase(world.dht.bootstrap, clip, fx, `transcode=mp4&t=${seek}`, `transcode=mp4&t=${seek}`, 'mp4'));
  }
} finally {
  await world.close();
}

console.log(`transcode bench: ${SECONDS} s 1280x720 clips, loopback world (DHT 60 nodes, 2 seeders), 2 cores, ffmpeg via fluent-ffmpeg`);
console.log('clip          | mode                          | decision    | TTFB ms | wall s | media s | real-time x | MB');
for (const r of rows) {
  const rtf = r.mediaSeconds !== undefined ? (r.mediaSeconds / (r.wallMs / 1000)).toFixed(2) : '-';
  console.log(`${r.clip.padEnd(13)} | ${r.mode.padEnd(29)} | ${r.decision.padEnd(11)} | ${r.ttfbMs.toFixed(0).padStart(7)} | ${(r.wallMs / 1000).toFixed(2).padStart(6)} | ${(r.mediaSeconds ?? 0).toFixed(1).padStart(7)} | ${rtf.padStart(11)} | ${(r.bytes / 1e6).toFixed(1)}`);
}
console.log(`ffmpeg processes left: ${activeProcesses()}`);
