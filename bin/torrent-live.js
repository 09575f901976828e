#!/usr/bin/env -S node --openssl-legacy-provider
// Entry for `npx torrent-live` and the installed command: runs the JavaScript that `npm install`
// (the "prepare" script) or `npm pack` compiled into build/. No TypeScript is compiled at start.
import { existsSync } from 'node:fs';

const compiled = new URL('../build/main.js', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write('torrent-live: the compiled code is missing (build/main.js).\n  Run `npm run build` (or `npm install`) in the torrent-live folder.\n');
  process.exit(1);
}
process.env.TORRENT_LIVE_BIN = '1';
await import(compiled.href);
