/**
 * The folder holding torrent-live's package.json. Code runs from src/ (tsx, tests) or from the
 * compiled build/src/ (the installed bin), so files shipped beside the code (package.json, the
 * sample video, the web remote's page and client modules) are found from here, never by
 * counting `../` from the running module.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function findPackageRoot(fromDir: string, name = 'torrent-live'): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const parsed = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (parsed.name === name) return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json named "${name}" above ${fromDir}; reinstall torrent-live`);
  }
}

export const PACKAGE_ROOT: string = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));
