/**
 * A seeder in a process of its own, for benches whose loopback DHT of a thousand nodes would
 * otherwise share one event loop with the seeders: on a real network the nodes a lookup queries
 * and the peers it then connects to are different machines, and a busy DHT must not delay a
 * seeder's handshake. The fixtures are made again from their recipe (makeFixture is
 * deterministic), so only the recipe crosses the process boundary.
 *
 *   startSeederProcess({ host, bootstrap, announceClosest, fixtures: [{ name, files, seed }] })
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeFixture, removeFixture, type FixtureFile } from './fixtures.js';
import { startSeeder } from './seeder.js';

export interface FixtureRecipe {
  name: string;
  files: FixtureFile[];
  seed: number;
}

export interface SeederProcessOptions {
  host: string;
  bootstrap: string[];
  announceClosest?: number;
  fixtures: FixtureRecipe[];
}

export interface SeederProcess {
  host: string;
  port: number;
  close(): Promise<void>;
}

const SELF = fileURLToPath(import.meta.url);

export function startSeederProcess(opts: SeederProcessOptions): Promise<SeederProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SELF, JSON.stringify(opts)], { cwd: path.resolve(path.dirname(SELF), '../..'), stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`seeder process on ${opts.host} exited ${code} before it was ready`)));
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const line = out.split('\n')[0];
      if (!out.includes('\n') || !line) return;
      const { port } = JSON.parse(line) as { port: number };
      child.removeAllListeners('exit');
      resolve({
        host: opts.host,
        port,
        close: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.stdin!.end();
          }),
      });
    });
  });
}

// Run as a process: seed until stdin closes (the parent ended or asked), then clean up.
if (process.argv[1] === SELF) {
  const opts = JSON.parse(process.argv[2] ?? '{}') as SeederProcessOptions;
  const fixtures = await Promise.all(opts.fixtures.map((f) => makeFixture(f)));
  const seeder = await startSeeder({ host: opts.host, fixtures, bootstrap: opts.bootstrap, ...(opts.announceClosest ? { announceClosest: opts.announceClosest } : {}) });
  process.stdout.write(`${JSON.stringify({ port: seeder.port })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void seeder.close().then(() => {
      fixtures.forEach(removeFixture);
      process.exit(0);
    });
  });
}
