/**
 * Shared setup for the adapter integration tests: a loopback world seeding a torrent that holds
 * the real sample video, a hostile-named video and a text file, and the real service on
 * 127.60.0.1 with the adapters mounted. No client is trusted, so every URL must carry its token.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { makeFixture, type TorrentFixture } from '../sim/fixtures.js';
import { startWorld, type World } from '../sim/world.js';
import { startService, type TestService } from '../sim/service.js';
import { requireTool } from '../sim/require-tool.js';

export const SERVICE_HOST = '127.60.0.1';
export const HOSTILE_NAME = 'evil <&]]> "x" \'y\'.mp4';

export interface AdapterWorld {
  fx: TorrentFixture;
  world: World;
  svc: TestService;
  close(): Promise<void>;
}

export async function startAdapterWorld(opts: { host?: string; preload?: boolean } = {}): Promise<AdapterWorld> {
  const sample = fs.readFileSync(path.resolve('assets/sample.mp4'));
  const fx = await makeFixture({
    name: 'Movies',
    files: [
      { name: 'sample.mp4', length: sample.length },
      { name: HOSTILE_NAME, length: 300_000 },
      { name: 'readme.txt', length: 2_000 },
    ],
    contents: [sample],
    seed: 71,
    pieceLength: 64 * 1024,
  });
  const world = await startWorld({ fixtures: [fx] });
  // Made here, not by startService: the adapters keep their UDN in it and are built first.
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-adapters-'));
  let svc: TestService | undefined;
  try {
    svc = await startService({
      bootstrap: world.dht.bootstrap,
      storeDir,
      host: opts.host ?? SERVICE_HOST,
      service: { isTrusted: () => false },
    });
  } catch (err) {
    fs.rmSync(storeDir, { recursive: true, force: true });
    await world.close();
    throw err;
  }
  const running = svc;
  if (opts.preload !== false) {
    try {
      await running.manager.add(fx.magnet);
      await running.manager.session(fx.infoHash)!.ready;
    } catch (err) {
      await running.close();
      await world.close();
      throw err;
    }
  }
  return {
    fx,
    world,
    svc: running,
    close: async () => {
      await running.close();
      await world.close();
    },
  };
}

export function ffprobe(url: string): Promise<{ code: number; json: { streams?: Array<{ codec_type?: string }>; format?: { duration?: string } }; stderr: string }> {
  requireTool('ffprobe');
  return new Promise((resolve, reject) => {
    const child = spawn('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type', '-of', 'json', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, json: out ? JSON.parse(out) : {}, stderr: err });
    });
  });
}
