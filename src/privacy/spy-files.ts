/**
 * The files a user keeps across runs and shares: spies.txt (JSON array of IPs), spies.p2p
 * (PeerGuardian lines other clients import), and audit.ndjson (every peer connected to and every
 * spy with its evidence, so a notice can be answered with facts).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import net from 'node:net';
import { formatP2p } from './blocklist.js';
import type { SpyRecord } from './spy-registry.js';
import { writeFileAtomic } from '../core/atomic-file.js';

export const SPIES_TXT = 'spies.txt';
export const SPIES_P2P = 'spies.p2p';
export const AUDIT_LOG = 'audit.ndjson';
/** spies.txt is ours, but a user may have edited it; refuse to parse anything absurd. */
export const SPIES_TXT_MAX_BYTES = 16 * 1024 * 1024;

export function formatSpiesTxt(ips: Iterable<string>): string {
  return `${JSON.stringify([...new Set(ips)].sort())}\n`;
}

export function formatSpiesP2p(spies: readonly Pick<SpyRecord, 'ip' | 'reasons'>[]): string {
  return formatP2p(
    [...spies]
      .sort((a, b) => a.ip.localeCompare(b.ip))
      .filter((s) => net.isIPv4(s.ip))
      .map((s) => ({ name: `torrent-live spy (${[...s.reasons].sort().join(' ')})`, start: s.ip })),
  );
}

/** The IPs in a spies.txt, ignoring anything that is not an IP address. */
export function parseSpiesTxt(text: string): string[] {
  if (text.length > SPIES_TXT_MAX_BYTES) return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  return Array.isArray(data) ? data.filter((x): x is string => typeof x === 'string' && net.isIP(x) !== 0) : [];
}

export async function readSpiesTxt(storeDir: string): Promise<string[]> {
  try {
    return parseSpiesTxt(await fs.readFile(path.join(storeDir, SPIES_TXT), 'utf8'));
  } catch {
    return [];
  }
}

/** Writes both lists atomically (core/atomic-file.ts) so a crash never leaves half a list. */
export async function writeSpyLists(storeDir: string, spies: readonly SpyRecord[]): Promise<void> {
  await fs.mkdir(storeDir, { recursive: true });
  await writeFileAtomic(path.join(storeDir, SPIES_TXT), formatSpiesTxt(spies.map((s) => s.ip)));
  await writeFileAtomic(path.join(storeDir, SPIES_P2P), formatSpiesP2p(spies));
}

export type AuditEntry =
  | { kind: 'peer'; ip: string; port: number; infoHash: string; state: string; reason?: string; tier?: string; transport?: string; encryption?: string }
  | { kind: 'spy'; ip: string; port?: number; reason: string; infoHash?: string; evidence: string }
  | { kind: 'suspect'; ip: string; port: number; reason: string; infoHash: string; evidence?: string };

/** Appends NDJSON lines; writes are chained so lines never interleave. */
export class AuditLog {
  #chain: Promise<void> = Promise.resolve();
  readonly #file: string;
  readonly #now: () => number;

  constructor(storeDir: string, now: () => number = Date.now) {
    this.#file = path.join(storeDir, AUDIT_LOG);
    this.#now = now;
  }

  append(entry: AuditEntry): void {
    const line = `${JSON.stringify({ time: new Date(this.#now()).toISOString(), ...entry })}\n`;
    this.#chain = this.#chain.then(() => fs.mkdir(path.dirname(this.#file), { recursive: true })).then(() => fs.appendFile(this.#file, line)).catch(() => {});
  }

  flush(): Promise<void> {
    return this.#chain;
  }
}
