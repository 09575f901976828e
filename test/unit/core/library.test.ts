import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Library } from '../../../src/core/library.js';
import { CLI_NODE_ARGS } from '../../sim/cli-process.js';

// Every node flag of the CLI (the tsx loader among them), without its entry file.
const tsx = CLI_NODE_ARGS.slice(0, -1);
const writer = path.join(import.meta.dirname, '../../fixtures/crash/library-writer.ts');
const A = 'a'.repeat(40);

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-library-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a corrupt library is reported, moved aside with the time in its name, and the library starts empty', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'library.json');
  fs.writeFileSync(file, '{"version":1,"torrents":[{"infoHash":"aa');
  const warnings: string[] = [];
  const library = await Library.open({ file, onWarning: (m) => warnings.push(m), now: () => new Date('2024-05-01T10:20:30.456Z') });
  assert.deepEqual(library.entries(), []);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /unusable \(not JSON/);
  const aside = `${file}.corrupt-2024-05-01T10-20-30-456Z`;
  assert.match(warnings[0]!, new RegExp(aside.replace(/[.]/g, '\\.')));
  assert.equal(fs.readFileSync(aside, 'utf8'), '{"version":1,"torrents":[{"infoHash":"aa', 'the bad file is kept as it was');
  assert.equal(fs.existsSync(file), false);
  await library.add({ infoHash: A, addedAt: new Date().toISOString() });
  assert.match(fs.readFileSync(file, 'utf8'), /a{40}/, 'a new library is written in its place');
});

test('adds and removes are on disk when they resolve; temporaries a killed writer left are cleaned', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'library.json');
  fs.writeFileSync(`${file}.999.3.tmp`, 'half');
  const library = await Library.open({ file, onWarning: assert.fail });
  assert.equal(fs.existsSync(`${file}.999.3.tmp`), false);
  const hashes = Array.from({ length: 10 }, (_, i) => String(i).repeat(40));
  await Promise.all(hashes.map((infoHash) => library.add({ infoHash, addedAt: new Date().toISOString() })));
  await library.remove(hashes[3]!);
  const again = await Library.open({ file, onWarning: assert.fail });
  assert.deepEqual(again.entries().map((e) => e.infoHash), hashes.filter((_, i) => i !== 3));
  assert.deepEqual(fs.readdirSync(dir), ['library.json'], 'no temporary left behind');
});

test('an unwritable library rejects the change with the path and the real cause', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'missing-folder', 'library.json');
  const library = await Library.open({ file, onWarning: assert.fail });
  await assert.rejects(library.add({ infoHash: A, addedAt: new Date().toISOString() }), /missing-folder.*does not exist \(ENOENT\)/);
});

test('kill -9 at any moment: the library read back is always whole and holds every add that had resolved', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'library.json');
  let lastConfirmed = 0;
  for (let round = 0; round < 12; round++) {
    const child = spawn(process.execPath, [...tsx, writer, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise((r) => child.on('exit', r));
    // Wait until it writes, then kill it after a random extra moment (mid-write more often than not).
    while (!/saved \d+/.test(out) && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 60)));
    child.kill('SIGKILL');
    await exited;
    assert.equal(err, '', 'the writer saw no warning: every restart found a whole library');
    const confirmed = Math.max(0, ...[...out.matchAll(/saved (\d+)/g)].map((m) => Number(m[1])));
    const warnings: string[] = [];
    const library = await Library.open({ file, onWarning: (m) => warnings.push(m) });
    assert.deepEqual(warnings, [], `round ${round}: the file is whole`);
    assert.ok(library.entries().length >= confirmed, `round ${round}: ${library.entries().length} entries on disk, ${confirmed} confirmed`);
    assert.ok(confirmed > lastConfirmed, `round ${round}: the writer made progress`);
    lastConfirmed = confirmed;
  }
});
