/**
 * The version `--version` prints and every manifest carries (add-on manifest, device description,
 * SSDP SERVER header), read once from package.json: the one source of truth.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';

function readPackageVersion(): string {
  const file = path.join(PACKAGE_ROOT, 'package.json');
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown };
  if (typeof parsed.version !== 'string' || !/^\d+\.\d+\.\d+/.test(parsed.version)) {
    throw new Error(`package.json at ${file} has no semantic version; fix its "version" field`);
  }
  return parsed.version;
}

export const PACKAGE_VERSION: string = readPackageVersion();
