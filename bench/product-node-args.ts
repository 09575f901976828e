/**
 * The node options the installed command starts with (its shebang: `#!/usr/bin/env -S node
 * --openssl-legacy-provider ...`), so a bench that spawns `node bin/torrent-live.js` runs the
 * product as users do, for this checkout or a baseline's.
 */
import fs from 'node:fs';
import path from 'node:path';

export function productNodeArgs(root: string): string[] {
  const first = fs.readFileSync(path.join(root, 'bin/torrent-live.js'), 'utf8').split('\n')[0] ?? '';
  const words = first.replace(/^#!\s*/, '').split(/\s+/).filter(Boolean);
  const node = words.indexOf('node');
  return node === -1 ? [] : words.slice(node + 1);
}
