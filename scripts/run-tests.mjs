#!/usr/bin/env node
// Node 20's test runner takes no glob patterns, so this finds the test files (optionally under
// the folders given as arguments) and hands them to `node --test` with tsx as the loader.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test', 'casting/test'];
const files = [];
const walk = (dir) => {
  if (!fs.existsSync(dir)) return;
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
const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
