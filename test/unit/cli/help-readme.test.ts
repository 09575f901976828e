/**
 * `--help` and the README's option table are two views of one set of flags: each flag in one is
 * in the other, every flag the parser accepts is in both, and a default --help states is the one
 * the README states.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { OPTIONS, USAGE } from '../../../src/cli/args.js';

interface Flag {
  names: string[];
  defaultText?: string;
}

/** `  -h, --help  text (default X)` lines of the Options section. */
function helpFlags(): Map<string, Flag> {
  const section = USAGE.slice(USAGE.indexOf('Options:'));
  const flags = new Map<string, Flag>();
  for (const line of section.split('\n')) {
    const m = /^\s+((?:-[a-z], )?--[a-z-]+)\b.*?(?:\(default:? ([^)]+)\))?$/.exec(line);
    if (!m?.[1]) continue;
    const names = m[1].split(', ');
    flags.set(names.at(-1)!, { names, ...(m[2] ? { defaultText: m[2].trim() } : {}) });
  }
  return flags;
}

/** Rows of the README table whose header is `| option | default | meaning |`. */
function readmeFlags(): Map<string, Flag> {
  const readme = fs.readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('| option | default | meaning |');
  assert.ok(start >= 0, 'README.md has the option table');
  const flags = new Map<string, Flag>();
  for (const line of readme.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const [option = '', defaultCell = ''] = line.split(/(?<!\\)\|/).slice(1).map((c) => c.trim());
    const names = /^`((?:-[a-z], )?--[a-z-]+)/.exec(option)?.[1]?.split(', ');
    assert.ok(names, `an option cell names a flag: ${option}`);
    flags.set(names.at(-1)!, { names, defaultText: defaultCell.replace(/`/g, '') });
  }
  return flags;
}

test('every flag in --help is in the README option table, and the other way round', () => {
  const help = helpFlags();
  const readme = readmeFlags();
  assert.ok(help.size >= 15, `--help lists its options (${help.size})`);
  assert.deepEqual([...help.keys()].filter((f) => !readme.has(f)), [], 'in --help, missing from the README');
  assert.deepEqual([...readme.keys()].filter((f) => !help.has(f) && f !== '--device'), [], 'in the README, missing from --help');
  for (const [flag, { names }] of help) assert.deepEqual(readme.get(flag)?.names, names, `${flag}: the same short form`);
});

test('every flag the parser accepts is documented in both', () => {
  const help = helpFlags();
  const readme = readmeFlags();
  for (const name of Object.keys(OPTIONS)) {
    const flag = `--${name}`;
    assert.ok(help.has(flag) || USAGE.includes(flag), `${flag} appears in --help`);
    assert.ok(readme.has(flag), `${flag} is in the README option table`);
  }
});

test('a default --help states is the default the README states', () => {
  const readme = readmeFlags();
  for (const [flag, { defaultText }] of helpFlags()) {
    if (!defaultText) continue;
    const documented = readme.get(flag)?.defaultText ?? '';
    const wanted = defaultText.replace(/^the /, '');
    assert.ok(documented.includes(wanted), `${flag}: --help says default "${defaultText}", the README says "${documented}"`);
  }
});
