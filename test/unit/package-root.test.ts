import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findPackageRoot, PACKAGE_ROOT } from '../../src/package-root.js';

test('the package root is found from the sources and from a compiled folder below it', (t) => {
  assert.equal(JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')).name, 'torrent-live');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-root-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'torrent-live' }));
  // A dependency's own package.json on the way up is not ours.
  const nested = path.join(dir, 'build', 'src', 'cli');
  fs.mkdirSync(nested, { recursive: true });
  fs.writeFileSync(path.join(dir, 'build', 'package.json'), JSON.stringify({ name: 'something-else' }));
  assert.equal(findPackageRoot(nested), dir);
  assert.throws(() => findPackageRoot(os.tmpdir(), 'no-such-package-name'), /no package\.json named "no-such-package-name"/);
});
