#!/usr/bin/env -S node --openssl-legacy-provider --max-semi-space-size=1
// Entry for `npx torrent-live` and the installed command: runs the JavaScript that `npm install`
// (the "prepare" script) or `npm pack` compiled into build/. No TypeScript is compiled at start.
// --max-semi-space-size=1: streaming makes ~3 short-lived buffers per byte received (socket read,
// RC4, the HTTP chunk); a 1 MB young generation frees them after ~1 MB of wrappers instead of 16,
// which took the peak RSS of a full-speed stream from ~148 to ~128 MB (npm run bench:rss).
import { existsSync } from 'node:fs';

const compiled = new URL('../build/main.js', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write('torrent-live: the compiled code is missing (build/main.js).\n  Run `npm run build` (or `npm install`) in the torrent-live folder.\n');
  process.exit(1);
}
process.env.TORRENT_LIVE_BIN = '1';
await import(compiled.href);
