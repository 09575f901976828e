#!/usr/bin/env node
// Node 20's test runner takes no glob patterns, so this finds the test files (optionally under
// the folders given as arguments) and runs each in its own process group with tsx as the loader:
// unit files several at a time, the rest one by one. A file gets TEST_FILE_TIMEOUT_S seconds
// (default 300) in all: past that its whole group (node, ffmpeg, Chromium, gmediarender...) is killed and the file counts as
// failed, so one stuck file cannot hang the suite. Each test also has --test-timeout.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FILE_TIMEOUT_S = Number(process.env.TEST_FILE_TIMEOUT_S ?? 300);
const TEST_TIMEOUT_S = Number(process.env.TEST_TIMEOUT_S ?? 120);
/** Between SIGTERM and SIGKILL: long enough for a test's after-hooks to close what they opened. */
const KILL_GRACE_MS = 5_000;

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test', 'casting/test'];
const files = [];
const walk = (dir) => {
  if (!fs.existsSync(dir)) return;
  if (fs.statSync(dir).isFile()) {
    files.push(dir);
    return;
  }
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'live') walk(full);
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) files.push(full);
  }
};
roots.forEach(walk);
files.sort();
if (files.length === 0) {
  console.error(`no *.test.ts under ${roots.join(', ')}`);
  process.exit(1);
}

/** The `# pass N` / `# fail N` lines of a TAP report (zero when the file died before writing them). */
function tapCounts(tapFile) {
  let text = '';
  try {
    text = fs.readFileSync(tapFile, 'utf8');
  } catch {
    return { pass: 0, fail: 0, cancelled: 0 };
  }
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  return { pass: count('pass'), fail: count('fail'), cancelled: count('cancelled') };
}

// Run from inside another test runner (this script's own test), NODE_TEST_CONTEXT would make
// each file report to that runner instead of here.
const { NODE_TEST_CONTEXT: _ignored, ...childEnv } = process.env;
/** Every running file's child, so Ctrl-C reaches each. */
const running = new Set();
/**
 * Unit test files touch no network, clocks of the world or shared ports, so they run side by side
 * (their reports are held and printed whole as each ends); everything else runs one at a time.
 */
const UNIT_CONCURRENCY = Math.max(2, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
const isUnit = (file) => file.split(path.sep).includes('unit');
function runFile(file, tapFile, { buffered = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import', 'tsx', '--test', `--test-timeout=${TEST_TIMEOUT_S * 1000}`,
        '--test-reporter=spec', '--test-reporter-destination=stdout',
        '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
        file,
      ],
      // Its own process group, so a timeout kills whatever the tests started too.
      { stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit', detached: true, env: childEnv },
    );
    running.add(child);
    let held = '';
    if (buffered) {
      child.stdout.on('data', (d) => (held += d));
      child.stderr.on('data', (d) => (held += d));
    }
    let timedOut = false;
    const killGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\nrun-tests: ${file} still running after ${FILE_TIMEOUT_S} s: killing it and what it started`);
      killGroup('SIGTERM');
      setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS).unref();
    }, FILE_TIMEOUT_S * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (buffered) process.stdout.write(held);
      // Children the tests forgot would keep running after the file: end them with it.
      killGroup('SIGKILL');
      resolve({ code: code ?? (signal ? 1 : 0), timedOut });
    });
  });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-run-tests-'));
let stopping = false;
// The files run in their own process groups, so Ctrl-C reaches only us: pass it on, then stop.
process.on('SIGINT', () => {
  stopping = true;
  for (const child of running) {
    try {
      process.kill(-child.pid, 'SIGINT');
    } catch {
      // already gone
    }
  }
});
const results = [];
const runOne = async (file, opts) => {
  const tapFile = path.join(tmp, `${files.indexOf(file)}.tap`);
  const started = performance.now();
  const { code, timedOut } = await runFile(file, tapFile, opts);
  results.push({ file, code, timedOut, seconds: (performance.now() - started) / 1000, ...tapCounts(tapFile) });
};
const unitQueue = files.filter(isUnit);
await Promise.all(
  Array.from({ length: UNIT_CONCURRENCY }, async () => {
    while (unitQueue.length && !stopping) await runOne(unitQueue.shift(), { buffered: true });
  }),
);
for (const file of files.filter((f) => !isUnit(f))) {
  if (stopping) break;
  await runOne(file);
}
fs.rmSync(tmp, { recursive: true, force: true });
const slowest = [...results].sort((a, b) => b.seconds - a.seconds).slice(0, 8);
console.log(`\nslowest files: ${slowest.map((r) => `${r.file} ${r.seconds.toFixed(1)} s`).join(', ')}`);

const pass = results.reduce((n, r) => n + r.pass, 0);
// A file that died or hung without reporting a failing test still counts as one failure.
const fail = results.reduce((n, r) => n + r.fail + r.cancelled + (r.code !== 0 && r.fail + r.cancelled === 0 ? 1 : 0), 0);
const badFiles = results.filter((r) => r.code !== 0);
console.log(`\n${'='.repeat(72)}`);
for (const r of badFiles) {
  const why = r.timedOut ? `timed out after ${FILE_TIMEOUT_S} s` : r.fail + r.cancelled > 0 ? `${r.fail + r.cancelled} failed` : `exit code ${r.code}`;
  console.log(`FAILED  ${r.file}  (${why})`);
}
console.log(`${pass} passed, ${fail} failed, in ${results.length} files (${badFiles.length} failing)`);
process.exit(badFiles.length > 0 || stopping ? 1 : 0);
