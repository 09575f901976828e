/**
 * POST /api/torrents of a .torrent naming 50,000 files, through the real service, turn about with
 * the same request to another checkout's service (`--before DIR`: e.g. a worktree of the commit
 * before) in the same process, so both see the same load on a shared machine. Each add is a new
 * torrent (random piece hashes); it is removed once ready, outside the timing. Besides the wall
 * time, the process's CPU time over the request (client and service share the process; every
 * thread) is printed: on a machine shared with other jobs it moves far less than the wall time.
 * With --expose-gc, a full collection runs before each add, outside the timing, so no add pays
 * for the garbage of the one before (the targets take turns, each after a different one).
 * `--only-default` measures the default 201 alone (and the --before checkout's).
 *   node --expose-gc --import tsx bench/add-large.ts [--before DIR] [--only-default] [files] [rounds]
 *   npx tsx bench/add-large.ts [--before DIR] [files] [rounds]
 */
import path from 'node:path';
import { manyFileTorrent } from '../test/sim/many-files.js';
import { startService } from '../test/sim/service.js';

interface Target { label: string; query: string; service: Awaited<ReturnType<typeof startService>> }

const args = process.argv.slice(2);
const beforeAt = args.indexOf('--before');
const beforeDir = beforeAt >= 0 ? args.splice(beforeAt, 2)[1] : undefined;
const onlyAt = args.indexOf('--only-default');
const onlyDefault = onlyAt >= 0 && args.splice(onlyAt, 1).length > 0;
const collect = (globalThis as { gc?: () => void }).gc;
const FILES = Number(args[0] ?? 50_000);
const ROUNDS = Number(args[1] ?? 5);

async function add(target: Target): Promise<{ ms: number; cpuMs: number; bytes: number }> {
  const big = manyFileTorrent(FILES);
  const body = JSON.stringify({ torrent: big.torrentFile.toString('base64') });
  collect?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const res = await fetch(`${target.service.baseUrl}/api/torrents${target.query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const bytes = (await res.arrayBuffer()).byteLength;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  if (res.status !== 201) throw new Error(`${target.label}: HTTP ${res.status}`);
  await target.service.manager.session(big.infoHash)!.ready;
  await target.service.manager.remove(big.infoHash);
  return { ms, cpuMs, bytes };
}

async function main(): Promise<void> {
  const current = await startService({ bootstrap: ['127.0.0.1:9'] });
  const targets: Target[] = [
    { label: 'this checkout, default 201 (first 1,000 files)', query: '', service: current },
    ...(onlyDefault
      ? []
      : [
          { label: 'this checkout, ?files=50 (the web remote)', query: '?files=50', service: current },
          { label: 'this checkout, ?files=all (every file)', query: '?files=all', service: current },
        ]),
  ];
  if (beforeDir) {
    const old = (await import(path.resolve(beforeDir, 'test/sim/service.ts'))) as { startService: typeof startService };
    targets.push({ label: `${beforeDir}, default 201`, query: '', service: await old.startService({ bootstrap: ['127.0.0.1:9'] }) });
  }
  const times = new Map<Target, number[]>(targets.map((t) => [t, []]));
  const cpuTimes = new Map<Target, number[]>(targets.map((t) => [t, []]));
  const bytes = new Map<Target, number>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) {
      const r = await add(target);
      times.get(target)!.push(r.ms);
      cpuTimes.get(target)!.push(r.cpuMs);
      bytes.set(target, r.bytes);
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(`| POST /api/torrents, ${FILES} files | median | each (ms) | CPU median | bytes |`);
  console.log('|---|---|---|---|---|');
  for (const target of targets) {
    const all = times.get(target)!;
    console.log(`| ${target.label} | ${median(all).toFixed(0)} ms | ${all.map((t) => t.toFixed(0)).join(', ')} | ${median(cpuTimes.get(target)!).toFixed(0)} ms | ${bytes.get(target)} |`);
  }
  process.exit(0);
}

void main();
