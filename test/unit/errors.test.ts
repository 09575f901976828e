import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ERRORS } from '../../src/errors.js';

test('every error code is documented in README.md', () => {
  const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const missing = Object.keys(ERRORS).filter((code) => !readme.includes(`\`${code}\``));
  assert.deepEqual(missing, []);
});
