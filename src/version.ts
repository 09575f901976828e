/**
 * The version `--version` prints and every manifest carries (add-on manifest, device description,
 * SSDP SERVER header), read once from package.json: the one source of truth.
 */
import fs from 'node:fs';

function readPackageVersion(): string {
  const url = new URL('../package.json', import.meta.url);
  const parsed = JSON.parse(fs.readFileSync(url, 'utf8')) as { version?: unknown };
  if (typeof parsed.version !== 'string' || !/^\d+\.\d+\.\d+/.test(parsed.version)) {
    throw new Error(`package.json at ${url.pathname} has no semantic version; fix its "version" field`);
  }
  return parsed.version;
}

export const PACKAGE_VERSION: string = readPackageVersion();
