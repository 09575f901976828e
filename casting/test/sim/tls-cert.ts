/** A throwaway self-signed certificate for test TLS servers (generated with the openssl CLI, once per process). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requireTool } from './require-tool.js';

let cached: { key: string; cert: string } | undefined;

export function selfSignedCert(): { key: string; cert: string } {
  if (cached) return cached;
  requireTool('openssl');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cast-cert-'));
  try {
    const keyPath = path.join(dir, 'key.pem');
    const certPath = path.join(dir, 'cert.pem');
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=fake-chromecast'], { stdio: 'pipe', timeout: 20_000 });
    } catch (err) {
      throw new Error(`openssl could not make a test certificate (install openssl): ${err instanceof Error ? err.message : String(err)}`);
    }
    cached = { key: fs.readFileSync(keyPath, 'utf8'), cert: fs.readFileSync(certPath, 'utf8') };
    return cached;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
