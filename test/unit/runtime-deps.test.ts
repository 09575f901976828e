/**
 * Runtime dependencies hold exactly what the shipped code imports: every package the compiled
 * sources (src/ and casting/src/) import is a dependency, and every dependency is imported.
 * Type-only imports vanish at compile time and need nothing at runtime; the workspace package
 * @torrent-live/casting is bundled into build/ (scripts/build.mjs), so its own imports count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return rel === path.join('src', 'web', 'client') ? [] : sourceFiles(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** The package a bare specifier names: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function runtimeImports(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of [...sourceFiles('src'), ...sourceFiles(path.join('casting', 'src'))]) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'|import\('([^']+)'\)/gm)) {
      if (m[1]) continue;
      const specifier = m[2] ?? m[3] ?? '';
      if (specifier.startsWith('.') || specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
      found.set(packageOf(specifier), file);
    }
  }
  return found;
}

test('every package the shipped code imports is a runtime dependency, and nothing else is', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; workspaces?: string[] };
  const bundled = new Set((pkg.workspaces ?? []).map((dir) => (JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as { name: string }).name));
  const imported = new Map([...runtimeImports()].filter(([name]) => !bundled.has(name)));
  assert.deepEqual(Object.keys(pkg.dependencies).filter((name) => bundled.has(name)), [], 'a bundled workspace package is not a runtime dependency (it is not on the registry)');
  const declared = new Set(Object.keys(pkg.dependencies));
  assert.deepEqual([...imported].filter(([name]) => !declared.has(name)).map(([name, file]) => `${name} (${file})`), [], 'imported but not in dependencies');
  assert.deepEqual([...declared].filter((name) => !imported.has(name)), [], 'in dependencies but never imported');
});
