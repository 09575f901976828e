/**
 * Two simultaneous conversions of a 1080p 10-bit HEVC film at 5.5 Mbit/s (made here by ffmpeg),
 * and a third asked while both run: with the measured capacity (calibration encodes, then each
 * ffmpeg's CPU time against its progress) each gets the best rung that fits its share of the
 * budget (planned for at least two at once), the third is refused (503 E_CAPACITY). Each conversion is
 * read as fast as it comes, so media seconds over wall seconds is the speed the machine holds;
 * the output bitrate is checked against twice the source's and the screen's cap.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inspectBody } from '../test/sim/clips.js';
import { makeFixture } from '../test/sim/fixtures.js';
import { startWorld } from '../test/sim/world.js';
import { startService } from '../test/sim/service.js';
import { activeProcesses } from '../src/transcode/ffmpeg-stream.js';
import type { TranscoderStatus } from '../src/transcode/transcode-route.js';

const run = promisify(execFile);

interface Result {
  name: string;
  status: number;
  rung: string;
  ttfbS: number;
  wallS: number;
  mediaS: number;
  bytes: number;
  message?: string;
}

async function convert(url: string, name: string, onHeaders: () => void = () => {}): Promise<Result> {
  const t0 = performance.now();
  const res = await fetch(url);
  const ttfbS = (performance.now() - t0) / 1000;
  onHeaders();
  if (res.status !== 200) {
    const body = (await res.json()) as { error: { code: string; message: string } };
    return { name, status: res.status, rung: '-', ttfbS, wallS: 0, mediaS: 0, bytes: 0, message: `${body.error.code}: ${body.error.message}` };
  }
  const body = Buffer.from(await res.arrayBuffer());
  const wallS = (performance.now() - t0) / 1000;
  const m = await inspectBody(body, 'mp4');
  return { name, status: 200, rung: res.headers.get('x-transcode-rung') ?? '?', ttfbS, wallS, mediaS: m.end - m.start, bytes: body.length };
}

export async function capacityBench(seconds: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-cap-'));
  try {
    const file = path.join(dir, 'film-1080p-hevc10.mkv');
    const t0 = performance.now();
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=1920x1080:rate=24:duration=${seconds}`, '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
      '-c:v', 'libx265', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p10le', '-b:v', '5100k', '-x265-params', 'keyint=48:log-level=error', '-c:a', 'ac3', '-b:a', '384k', '-ac', '6', '-shortest', file]);
    const bytes = fs.readFileSync(file);
    const sourceMbps = (bytes.length * 8) / seconds / 1e6;
    console.log(`source made in ${((performance.now() - t0) / 1000).toFixed(0)} s: 1920x1080 10-bit HEVC + AC-3 5.1, ${seconds} s, ${sourceMbps.toFixed(2)} Mbit/s`);
    const fx = await makeFixture({ name: 'film.mkv', files: [{ name: 'film.mkv', length: bytes.length }], contents: [bytes], pieceLength: 256 * 1024 });
    const world = await startWorld({ fixtures: [fx], seeders: 2, dhtSize: 40 });
    const svc = await startService({ bootstrap: world.dht.bootstrap });
    try {
      await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
      const session = svc.manager.session(fx.infoHash)!;
      await session.ready;
      // The whole film first: the figure is the machine's encode capacity, not the swarm's speed.
      while (session.status().downloaded < fx.content.length) await new Promise((r) => setTimeout(r, 200));
      const url = `${svc.baseUrl}/stream/${fx.infoHash}/0?transcode=mp4`;
      const status = async (): Promise<TranscoderStatus> => (await (await fetch(`${svc.baseUrl}/api/transcoder`)).json()) as TranscoderStatus;
      console.log(`encoder: ${(await status()).encoderReason}`);
      let started: () => void = () => {};
      const firstStarted = new Promise<void>((r) => (started = r));
      const first = convert(url, 'first', () => started());
      await firstStarted;
      // The next request waits for the running one to be measured anyway; asking a little later
      // keeps the figures of the second from including that wait.
      await new Promise((r) => setTimeout(r, 3000));
      const secondStarted = new Promise<void>((r) => (started = r));
      const second = convert(url, 'second', () => started());
      await secondStarted;
      await new Promise((r) => setTimeout(r, 3000));
      const during = await status();
      const third = await convert(url, 'third');
      const results = [await first, await second, third];
      console.log(`while both ran: ${during.conversions.map((c) => `${c.rung} ${c.cost.toFixed(2)} cores${c.measured ? ' (measured)' : ' (predicted)'}, holding ${c.held.toFixed(2)}`).join(', ')}; budget ${during.budgetCores} of ${during.cores} cores`);
      console.log('conversion | HTTP | rung                             | TTFB s | wall s | media s | speed x | Mbit/s out');
      for (const r of results) {
        const speed = r.wallS ? (r.mediaS / r.wallS).toFixed(2) : '-';
        const mbps = r.mediaS ? ((r.bytes * 8) / r.mediaS / 1e6).toFixed(2) : '-';
        console.log(`${r.name.padEnd(10)} | ${String(r.status).padEnd(4)} | ${r.rung.padEnd(32)} | ${r.ttfbS.toFixed(1).padStart(6)} | ${r.wallS.toFixed(1).padStart(6)} | ${r.mediaS.toFixed(1).padStart(7)} | ${speed.padStart(7)} | ${mbps}${r.message ? `\n  refused: ${r.message}` : ''}`);
      }
      console.log(`load average while converting: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (other work on the same 2 cores)`);
      console.log(`source ${sourceMbps.toFixed(2)} Mbit/s: output ceiling 2x = ${(2 * sourceMbps).toFixed(2)} Mbit/s; ffmpeg processes left: ${activeProcesses()}`);
    } finally {
      await svc.close();
      await world.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
