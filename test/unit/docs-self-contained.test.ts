/**
 * The project carries its own design document: nothing in it may send a reader to a file outside
 * the repository (a sibling checkout's design notes, an absolute path on someone's machine).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const ROOT = new URL('../../', import.meta.url);
// Spelt in pieces so this file does not match itself.
const OUTSIDE = [['..', 'shared'].join('/'), ['DESIGN', 'md'].join('.'), ['', 'work', ''].join('/')];

test('no project file points outside the project', () => {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const offenders: string[] = [];
  for (const file of files) {
    if (!/\.(ts|mjs|js|md|py|json|xml|sh)$|^scripts\/|^\.ci\//.test(file) || file === 'package-lock.json') continue;
    const full = new URL(file, ROOT);
    if (!fs.existsSync(full)) continue;
    const text = fs.readFileSync(full, 'utf8');
    for (const needle of OUTSIDE) if (text.includes(needle)) offenders.push(`${file}: ${needle}`);
  }
  assert.deepEqual(offenders, []);
});

test('the README sends readers to docs/ARCHITECTURE.md, which exists and covers what it promises', () => {
  const readme = fs.readFileSync(new URL('README.md', ROOT), 'utf8');
  assert.match(readme, /\(docs\/ARCHITECTURE\.md\)/);
  const doc = fs.readFileSync(new URL('docs/ARCHITECTURE.md', ROOT), 'utf8');
  for (const section of ['## The shape', '## Contracts', '## From a magnet to a TV', '## The private lookup', '## Security model', '## Where files live']) {
    assert.ok(doc.includes(section), `docs/ARCHITECTURE.md has "${section}"`);
  }
});
