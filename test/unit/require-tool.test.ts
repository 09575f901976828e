import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { requireTool, findExecutable, TOOLS } from '../sim/require-tool.js';

test('requireTool names the missing tool and its apt-get line', () => {
  assert.throws(
    () => requireTool('gmediarender', 'gmediarender-that-is-not-there'),
    (err: Error) =>
      err.message.startsWith('gmediarender is not installed') &&
      err.message.includes('sudo apt-get install -y gmediarender gstreamer1.0-libav') &&
      err.message.includes('npm run setup'),
  );
  assert.throws(() => requireTool('chromium', '/nonexistent/chromium'), /chromium is not installed \(\/nonexistent\/chromium not found\).*apt-get install -y chromium/);
});

test('requireTool finds a tool on PATH and returns its path', () => {
  assert.equal(findExecutable('node', `/nonexistent:${process.execPath.replace(/\/node$/, '')}`), process.execPath);
  assert.equal(findExecutable('sh', '/nonexistent'), undefined);
});

test('every package the tool table names is one scripts/setup installs', () => {
  const setup = fs.readFileSync(new URL('../../scripts/setup', import.meta.url), 'utf8');
  const installed = new Set([...setup.matchAll(/^\s+"([a-z0-9.+-]+)\|/gm)].map((m) => m[1]));
  const named = Object.values(TOOLS).flatMap((t) => [...t.packages]);
  assert.deepEqual(named.filter((p) => !installed.has(p)), []);
});
