/**
 * Bad input gets a clear error or a clean fallback, never a hung request or an ffmpeg left
 * running: a file ffprobe cannot read, a truncated MKV, an embedded subtitle track with broken
 * timing, and a video codec ffmpeg does not know. Every request here has a deadline, so a hang
 * fails the test instead of stalling it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeClip } from '../sim/clips.js';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService, type TestService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';
import { until } from '../sim/wait.js';
import { activeProcesses } from '../../src/transcode/ffmpeg-stream.js';
import { parseCueBlock } from '../../src/transcode/webvtt.js';

const run = promisify(execFile);
const SERVICE_HOST = '127.193.0.6';
const DEADLINE_MS = 20_000;
const ABILITIES = { formats: [{ container: 'mp4', video: ['h264'], audio: ['aac'] }, { container: 'matroska', video: ['h264'], audio: ['aac'] }] };
const BAD_SRT = '1\n00:00:05,000 --> 00:00:03,000\nBackwards cue\n\n2\n00:00:08,000 --> 00:00:08,000\nZero cue\n\n3\nnot a time\nGarbage\n\n4\n00:00:12,000 --> 00:00:13,000\nGood cue\n';

async function ffmpegChildren(): Promise<number> {
  try {
    return (await run('pgrep', ['-P', String(process.pid), 'ffmpeg'])).stdout.split('\n').filter(Boolean).length;
  } catch {
    return 0; // pgrep exits 1 when nothing matches
  }
}

async function get(svc: TestService, infoHash: string, index: number, query: string): Promise<{ status: number; body: string; json?: { error: { code: string; message: string } } }> {
  const res = await fetch(`${svc.baseUrl}/stream/${infoHash}/${index}?${query}`, { signal: AbortSignal.timeout(DEADLINE_MS) });
  const body = Buffer.from(await res.arrayBuffer());
  const text = res.headers.get('content-type')?.includes('json') ? body.toString() : '';
  return { status: res.status, body: res.headers.get('content-type')?.startsWith('text/vtt') ? body.toString() : text || `${body.length} bytes`, ...(text ? { json: JSON.parse(text) } : {}) };
}

test('garbage, a truncated MKV, broken subtitle timing, an unknown codec: clear errors or clean fallbacks, no ffmpeg left', async (t) => {
  const own = closesAfter(t);
  const dir = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bad-media-')), (d) => fs.rmSync(d, { recursive: true, force: true }));
  const good = await makeClip('h264-aac-mkv', { seconds: 20 });
  const subbed = await makeClip('h264-srt-mkv', { seconds: 20 });
  fs.writeFileSync(path.join(dir, 'bad.srt'), BAD_SRT);
  const badSub = path.join(dir, 'badsub.mkv');
  await run('ffmpeg', ['-v', 'error', '-y', '-i', good.path, '-i', path.join(dir, 'bad.srt'), '-map', '0', '-map', '1', '-c', 'copy', '-c:s', 'srt', badSub]);
  // The Matroska codec id of the H.264 track, renamed to one no demuxer knows (same length).
  const id = good.bytes.indexOf('V_MPEG4/ISO/AVC');
  assert.ok(id > 0);
  const unknown = Buffer.concat([good.bytes.subarray(0, id), Buffer.from('V_MPEG4/ISO/XYZ'), good.bytes.subarray(id + 15)]);
  const files: Array<[string, Buffer]> = [
    ['garbage.mkv', crypto.randomBytes(300_000)],
    ['truncated.mkv', subbed.bytes.subarray(0, Math.floor(subbed.bytes.length * 0.6))],
    ['badsub.mkv', fs.readFileSync(badSub)],
    ['unknown.mkv', unknown],
  ];
  const fx = await makeFixture({ name: 'Bad', files: files.map(([name, b]) => ({ name, length: b.length })), contents: files.map(([, b]) => b), pieceLength: 64 * 1024 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 30, addressBlock: 190, seederBlock: 194 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, host: SERVICE_HOST, service: { mediaServer: { advertise: false, probeInBackground: false } } }));
  await svc.manager.add(fx.magnet);
  const session = svc.manager.session(fx.infoHash)!;
  await session.ready;
  const at = (name: string): number => session.files.findIndex((f) => f.name.endsWith(name));
  const plan = async (name: string) => {
    const res = await fetch(`${svc.baseUrl}/api/playback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ infoHash: fx.infoHash, fileIndex: at(name), abilities: ABILITIES }), signal: AbortSignal.timeout(DEADLINE_MS) });
    assert.equal(res.status, 200, name);
    return (await res.json()) as { mode: string; reason: string; url: string };
  };

  // 1. Not a video ffprobe reads: the player is told so and gets the original; ffmpeg jobs fail clearly.
  const garbage = await plan('garbage.mkv');
  assert.deepEqual([garbage.mode, garbage.url], ['original', `/stream/${fx.infoHash}/${at('garbage.mkv')}`]);
  assert.match(garbage.reason, /could not be probed \(ffprobe failed: .+\)/);
  const garbageConv = await get(svc, fx.infoHash, at('garbage.mkv'), 'transcode=mp4');
  assert.equal(garbageConv.status, 502);
  assert.equal(garbageConv.json?.error.code, 'E_TRANSCODE');
  const garbageSubs = await get(svc, fx.infoHash, at('garbage.mkv'), 'format=vtt&track=0');
  assert.equal(garbageSubs.status, 502);
  assert.match(garbageSubs.json?.error.message ?? '', /cannot read the tracks/);

  // 2. Truncated: what is there converts and the stream ends; a start past the data is an error, not an empty 200.
  assert.equal((await plan('truncated.mkv')).mode, 'original', 'its header is whole: H.264/AAC Matroska plays as is');
  const truncated = await get(svc, fx.infoHash, at('truncated.mkv'), 'transcode=mp4');
  assert.equal(truncated.status, 200);
  const past = await get(svc, fx.infoHash, at('truncated.mkv'), 'transcode=mp4&t=17');
  assert.equal(past.status, 502, past.body);
  assert.match(past.json?.error.message ?? '', /its data ends at [\d.]+ s, before t=17 \(the file looks truncated\)/);
  const truncatedSubs = await get(svc, fx.infoHash, at('truncated.mkv'), 'format=vtt&track=0');
  assert.equal(truncatedSubs.status, 200);
  assert.match(truncatedSubs.body, /Hello from the middle/, 'the cues that are there, and a clean end');

  // 3. Broken subtitle timing: every cue comes out with an end after its start.
  const subs = await get(svc, fx.infoHash, at('badsub.mkv'), 'format=vtt&track=0');
  assert.equal(subs.status, 200);
  const cues = subs.body.split('\n\n').slice(1).map(parseCueBlock).filter((c) => c !== undefined);
  assert.deepEqual(cues.map((c) => c.text.split('\n')[0]), ['Backwards cue', 'Zero cue', 'Good cue']);
  assert.ok(cues.every((c) => c.end > c.start), cues.map((c) => `${c.start}-${c.end}`).join(' '));
  t.diagnostic(`broken timing became: ${cues.map((c) => `${c.start.toFixed(3)}-${c.end.toFixed(3)}`).join(', ')}`);

  // 4. A codec ffmpeg does not know: the original, said why; a conversion refused at once.
  const unknownPlan = await plan('unknown.mkv');
  assert.equal(unknownPlan.mode, 'original');
  assert.match(unknownPlan.reason, /ffmpeg does not know this file's video codec/);
  const unknownConv = await get(svc, fx.infoHash, at('unknown.mkv'), 'transcode=mp4');
  assert.equal(unknownConv.status, 502);
  assert.match(unknownConv.json?.error.message ?? '', /does not know its video codec/);

  await until('no ffmpeg left', async () => activeProcesses() === 0 && (await ffmpegChildren()) === 0, 5_000);
});
