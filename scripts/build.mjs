#!/usr/bin/env node
// Compiles what `torrent-live` runs into build/ (run by "prepare", so `npm install` and `npm pack`
// do it): the CLI and everything it loads, bundled with the workspace package @torrent-live/casting
// (whose exports point at its TypeScript sources, for tsx and the tests). npm dependencies stay
// external imports, resolved from node_modules as usual. Types are checked by `npm run typecheck`,
// not here. Code splitting keeps --help/--version from loading the service (src/cli/main.ts imports
// ./modes.js lazily).
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const workspaces = new Set(
  (pkg.workspaces ?? []).map((dir) => JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')).name),
);
const external = Object.keys(pkg.dependencies ?? {}).filter((name) => !workspaces.has(name));

fs.rmSync(path.join(root, 'build'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outdir: 'build',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // A dependency and its deep imports (castv2/lib/proto.js) are left to Node.
  external: external.flatMap((name) => [name, `${name}/*`]),
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
