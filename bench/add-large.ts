/**
 * POST /api/torrents of a .torrent naming 50,000 files, through the real service, turn about with
 * the same request to another checkout's service (`--before DIR`: e.g. a worktree of the commit
 * before) in the same process, so both see the same load on a shared machine. Each add is a new
 * torrent (random piece hashes); it is removed once ready, outside the timing.
 *   npx tsx bench/add-large.ts [--before DIR] [files] [rounds]
 */
import path from 'node:path';
import { manyFileTorrent } from '../test/sim/many-files.js';
import { startService } from '../test/sim/service.js';

interface Target { label: string; query: string; service: Awaited<ReturnType<typeof startService>> }

const args = process.argv.slice(2);
const beforeAt = args.indexOf('--before');
const beforeDir = beforeAt >= 0 ? args.splice(beforeAt, 2)[1] : undefined;
const FILES = Number(args[0] ?? 50_000);
const ROUNDS = Number(args[1] ?? 5);

async function add(target: Target): Promise<{ ms: number; bytes: number }> {
  const big = manyFileTorrent(FILES);
  const body = JSON.stringify({ torrent: big.torrentFile.toString('base64') });
  const t0 = performance.now();
  const res = await fetch(`${target.service.baseUrl}/api/torrents${target.query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const bytes = (await res.arrayBuffer()).byteLength;
  const ms = performance.now() - t0;
  if (res.status !== 201) throw new Error(`${target.label}: HTTP ${res.status}`);
  await target.service.manager.session(big.infoHash)!.ready;
  await target.service.manager.remove(big.infoHash);
  return { ms, bytes };
}

async function main(): Promise<void> {
  const current = await startService({ bootstrap: ['127.0.0.1:9'] });
  const targets: Target[] = [
    { label: 'this checkout, default 201 (first 1,000 files)', query: '', service: current },
    { label: 'this checkout, ?files=50 (the web remote)', query: '?files=50', service: current },
    { label: 'this checkout, ?files=all (every file)', query: '?files=all', service: current },
  ];
  if (beforeDir) {
    const old = (await import(path.resolve(beforeDir, 'test/sim/service.ts'))) as { startService: typeof startService };
    targets.push({ label: `${beforeDir} (its 201 lists every file)`, query: '', service: await old.startService({ bootstrap: ['127.0.0.1:9'] }) });
  }
  const times = new Map<Target, number[]>(targets.map((t) => [t, []]));
  const bytes = new Map<Target, number>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) {
      const r = await add(target);
      times.get(target)!.push(r.ms);
      bytes.set(target, r.bytes);
    }
  }
  console.log(`| POST /api/torrents, ${FILES} files | median | each (ms) | bytes |`);
  console.log('|---|---|---|---|');
  for (const target of targets) {
    const all = times.get(target)!;
    const sorted = [...all].sort((a, b) => a - b);
    console.log(`| ${target.label} | ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms | ${all.map((t) => t.toFixed(0)).join(', ')} | ${bytes.get(target)} |`);
  }
  process.exit(0);
}

void main();
