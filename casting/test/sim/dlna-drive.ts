/**
 * Run inside the control namespace by the DLNA integration test and the bench: serves a video on
 * the control address, discovers the renderer over SSDP, drives it, and prints one JSON line per
 * step on stdout (the test parses them). Usage: dlna-drive.ts <controlAddress> <video.mp4> <rendererName> [discover-only]
 */
import fs from 'node:fs';
import http from 'node:http';
import { connect, dlnaStreamHeaders, startDiscovery, type CastStatus, type CastTarget } from '../../src/index.js';

const [controlAddress, videoPath, rendererName, mode] = process.argv.slice(2);
if (!controlAddress || !videoPath || !rendererName) {
  console.error('usage: dlna-drive.ts <controlAddress> <video.mp4> <rendererName> [discover-only]');
  process.exit(2);
}
const print = (step: string, data: Record<string, unknown> = {}): void => console.log(JSON.stringify({ step, ...data }));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const video = fs.readFileSync(videoPath);
const requests: Array<{ from: string; range?: string; method: string }> = [];
let bytesSent = 0;
const server = http.createServer((req, res) => {
  requests.push({ from: req.socket.remoteAddress ?? '', method: req.method ?? 'GET', ...(req.headers.range ? { range: req.headers.range } : {}) });
  const headers = { 'Content-Type': 'video/mp4', 'Accept-Ranges': 'bytes', ...dlnaStreamHeaders('video/mp4') };
  const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  let start = 0;
  let end = video.length - 1;
  if (m) {
    start = Number(m[1]);
    if (m[2]) end = Math.min(end, Number(m[2]));
    res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${video.length}`, 'Content-Length': String(end - start + 1) });
  } else res.writeHead(200, { ...headers, 'Content-Length': String(video.length) });
  if (req.method === 'HEAD') return void res.end();
  bytesSent += end - start + 1;
  res.end(video.subarray(start, end + 1));
});
await new Promise<void>((r) => server.listen(0, controlAddress, () => r()));
const port = (server.address() as { port: number }).port;
const url = `http://${controlAddress}:${port}/stream/test.mp4`;

const t0 = performance.now();
const discovery = await startDiscovery({ interfaceAddress: controlAddress, chromecast: false, searchIntervalMs: 1000, onIgnored: (i) => print('ignored', { ...i }) });
let target: CastTarget | undefined;
let exitCode = 0;
try {
  const device = await discovery.waitFor(rendererName, 10_000);
  print('discovered', { ms: Math.round(performance.now() - t0), device });
  if (mode !== 'discover-only') {
    target = await connect(device, { timeoutMs: 5000 });
    const poll = async (want: CastStatus['state'], ms: number): Promise<CastStatus> => {
      const until = Date.now() + ms;
      let s = await target!.status();
      while (s.state !== want && Date.now() < until) {
        await sleep(200);
        s = await target!.status();
      }
      return s;
    };
    await target.load({ url, title: 'TL <test> & "video"', contentType: 'video/mp4', sizeBytes: video.length, durationSeconds: 20 });
    const playing = await poll('playing', 15_000);
    print('playing', { status: playing });
    // The pipeline may take a moment to preroll: give the position up to 8 s to move 2 s on.
    const advanceBy = Date.now() + 8000;
    let later = await target.status();
    while (later.positionSeconds < playing.positionSeconds + 2 && Date.now() < advanceBy) {
      await sleep(250);
      later = await target.status();
    }
    print('advanced', { status: later });
    await target.pause();
    print('paused', { status: await poll('paused', 5000) });
    await target.seek(12);
    await sleep(700);
    print('seeked', { status: await target.status() });
    await target.setVolume(0.4);
    print('volume', { status: await target.status() });
    await target.stop();
    print('stopped', { status: await poll('stopped', 5000) });
  }
} catch (err) {
  print('error', { message: err instanceof Error ? err.message : String(err), code: (err as { code?: string }).code });
  exitCode = 1;
} finally {
  print('served', { requests, bytesSent });
  await target?.close();
  await discovery.close();
  server.closeAllConnections();
  server.close();
}
process.exitCode = exitCode;
