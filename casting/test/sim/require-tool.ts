/**
 * Tests that need a system tool say so at once, naming the tool and the line that installs it,
 * instead of failing later with ENOENT or a timeout. The package names match scripts/setup,
 * which installs all of them (`npm run setup`).
 */
import fs from 'node:fs';
import path from 'node:path';

export const TOOLS = {
  ffmpeg: { packages: ['ffmpeg'], purpose: 'transcoding and generating test clips' },
  ffprobe: { packages: ['ffmpeg'], purpose: 'probing media' },
  gmediarender: { packages: ['gmediarender', 'gstreamer1.0-libav', 'gstreamer1.0-plugins-good', 'gstreamer1.0-plugins-bad'], purpose: 'the real DLNA renderer' },
  chromium: { packages: ['chromium'], purpose: 'the browser tests (set CHROMIUM_PATH for another binary)' },
  ip: { packages: ['iproute2'], purpose: 'network namespaces for the DLNA renderer' },
  openssl: { packages: ['openssl'], purpose: "the fake Chromecast's TLS certificate" },
  python3: { packages: ['python3'], purpose: "the Kodi add-on's tests" },
  zip: { packages: ['zip'], purpose: 'building the Kodi add-on' },
} as const;

export type ToolName = keyof typeof TOOLS;

/** The first executable `name` on PATH, or the path itself when it has a slash. */
export function findExecutable(name: string, searchPath = process.env['PATH'] ?? ''): string | undefined {
  const candidates = name.includes('/') ? [name] : searchPath.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, name));
  for (const candidate of candidates) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function missingToolMessage(tool: ToolName, binary: string = tool): string {
  const { packages, purpose } = TOOLS[tool];
  return `${tool} is not installed (${binary} not found); it is needed for ${purpose}. Install it with: sudo apt-get install -y ${packages.join(' ')} (or run: npm run setup)`;
}

/**
 * Throws at once when the tool is missing; returns its path. `binary` overrides the command
 * looked up (a path such as CHROMIUM_PATH, or an --ffmpeg choice).
 */
export function requireTool(tool: ToolName, binary: string = tool): string {
  const found = findExecutable(binary);
  if (!found) throw new Error(missingToolMessage(tool, binary));
  return found;
}
