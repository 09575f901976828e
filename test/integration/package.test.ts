/**
 * What `npm install torrent-live` gets: `npm pack` (which compiles through "prepare"), the tarball
 * installed in an empty folder, then the installed command run as a user would: --help and
 * --version, and the demo streaming from the compiled code with its page and client modules.
 * Also checks that the tarball ships compiled JavaScript and no TypeScript toolchain at runtime.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../sim/cli-process.js';
import { closesAfter, stopChild } from '../sim/cleanup.js';
import { until } from '../sim/wait.js';

const run = promisify(execFile);
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const RUNTIME_ONLY_ABSENT = ['tsx', 'typescript', 'playwright-core', '@types/node'];

test('npm pack → install in an empty folder → npx torrent-live --help, --version and the demo run from compiled JavaScript', { timeout: 300_000 }, async (t) => {
  const own = closesAfter(t);
  const dir = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-pack-')), (d) => fs.rmSync(d, { recursive: true, force: true }));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };

  const packed = await run(NPM, ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  assert.ok(info, 'npm pack printed its report');
  const shipped = info.files.map((f) => f.path);
  assert.ok(shipped.includes('build/main.js') && shipped.some((p) => p.startsWith('build/chunks/modes-')), 'the compiled CLI and its lazily loaded modes are in the tarball');
  assert.ok(!shipped.some((p) => p.startsWith('casting/')), 'the casting workspace package is bundled, not shipped as sources');
  assert.ok(shipped.includes('src/web/static/index.html') && shipped.some((p) => p.startsWith('src/web/client/')), 'the page and its client modules are in it');
  assert.deepEqual(shipped.filter((p) => p.startsWith('test/') || p.startsWith('bench/') || (p.endsWith('.ts') && !p.startsWith('src/web/client/'))), [], 'no tests, benchmarks or server TypeScript');
  for (const dev of RUNTIME_ONLY_ABSENT) assert.equal(pkg.dependencies[dev], undefined, `${dev} is not a runtime dependency`);

  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'tl-pack-check', private: true }));
  await run(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(dir, info.filename)], { cwd: app, maxBuffer: 64 * 1024 * 1024 });
  // (@types/node may still arrive through a dependency of a dependency: protobufjs lists it.)
  for (const dev of ['tsx', 'typescript', 'playwright-core']) assert.equal(fs.existsSync(path.join(app, 'node_modules', dev)), false, `${dev} was not installed with it`);

  const help = await run('npx', ['--no-install', 'torrent-live', '--help'], { cwd: app });
  assert.match(help.stdout, /^Usage:/m);
  assert.match(help.stdout, /torrent-live <source>/);
  const version = await run('npx', ['--no-install', 'torrent-live', '--version'], { cwd: app });
  assert.equal(version.stdout.trim(), pkg.version);

  // The installed demo: the sample video, the page and a client module all come from the package.
  const bin = path.join(app, 'node_modules', '.bin', 'torrent-live');
  const demo = own(spawn(bin, ['demo', '--json', '--port', '0', '--store', path.join(dir, 'store')], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] }), stopChild);
  let out = '';
  let err = '';
  demo.stdout.on('data', (d: Buffer) => (out += d.toString()));
  demo.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const events = (): Array<Record<string, unknown>> => out.split('\n').flatMap((l) => (l.startsWith('{') ? [JSON.parse(l) as Record<string, unknown>] : []));
  await until('the installed demo to have metadata', () => {
    if (demo.exitCode !== null) throw new Error(`the installed demo exited ${demo.exitCode}: ${err.slice(-1500)}`);
    return events().some((e) => e['event'] === 'metadata');
  }, 60_000);
  const base = String(events().find((e) => e['event'] === 'ready')!['url']);
  const file = (events().find((e) => e['event'] === 'metadata')!['files'] as Array<{ url: string }>)[0]!;
  const video = await fetch(`${base}${file.url}`, { headers: { range: 'bytes=0-1023' } });
  assert.equal(video.status, 206);
  assert.ok(Buffer.from(await video.arrayBuffer()).equals(fs.readFileSync(path.join(ROOT, 'assets/sample.mp4')).subarray(0, 1024)), 'the sample video streams byte-exact');
  const page = await fetch(`${base}/`);
  assert.equal(page.status, 200, 'the web remote page is served from the package');
  const script = await fetch(`${base}/assets/js/main.js`);
  assert.equal(script.status, 200, 'a client module is compiled and served');
  assert.match(script.headers.get('content-type') ?? '', /javascript/);
  demo.kill('SIGINT');
  assert.equal(await new Promise((r) => demo.once('exit', r)), 0, 'Ctrl-C exits 0');
});
