/**
 * The README's first two commands are the whole set-up of a fresh machine; CI must run exactly
 * them, and every system package scripts/setup installs must be explained in the README.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

const read = (relative: string): string => fs.readFileSync(new URL(`../../${relative}`, import.meta.url), 'utf8');

function firstCodeBlock(markdown: string): string[] {
  const match = /```sh\n([\s\S]*?)```/.exec(markdown);
  assert.ok(match?.[1], 'README.md starts with a ```sh block of set-up commands');
  return match[1].trim().split('\n');
}

test('the README opens with the demo command and the test command', () => {
  const readme = read('README.md');
  assert.ok(readme.indexOf('```sh') < readme.indexOf('\n## '), 'the commands come before any section');
  assert.deepEqual(firstCodeBlock(readme), ['npm install && npm run demo', 'npm install && npm run setup && npm test']);
});

test('.ci/run runs the README test command verbatim', () => {
  const testLine = firstCodeBlock(read('README.md'))[1] ?? '';
  const ciLines = read('.ci/run').split('\n').map((line) => line.trim());
  assert.ok(ciLines.includes(testLine), `.ci/run must contain the line: ${testLine}`);
});

test('npm run setup is scripts/setup, and the README explains each package it installs', () => {
  const pkg = JSON.parse(read('package.json')) as { scripts?: Record<string, string> };
  assert.equal(pkg.scripts?.['setup'], 'bash scripts/setup');
  const names = [...read('scripts/setup').matchAll(/^\s+"([a-z0-9.+-]+)\|/gm)].map((m) => m[1] ?? '');
  assert.ok(names.length >= 8, `scripts/setup lists its packages (found ${names.length})`);
  const readme = read('README.md');
  assert.deepEqual(names.filter((name) => !readme.includes(`\`${name}\``)), []);
  // The libtorrent test world (test/sim/libtorrent-peer.ts, unreachable-peers.ts) needs these on every machine CI runs on.
  for (const needed of ['python3-libtorrent', 'nftables']) assert.ok(names.includes(needed), `scripts/setup installs ${needed}`);
});
