/**
 * The spy bookkeeping shared by every session and by findspiesonly: turns sweep findings into
 * registry entries, 'spy' events and audit lines, re-tests known spy nodes on their decoy, ages
 * out the ones that went quiet, and keeps spies.txt / spies.p2p in the store up to date.
 */
import type { EventBus } from '../events.js';
import { AuditLog, readSpiesTxt, writeSpyLists, type AuditEntry } from './spy-files.js';
import { SpyRegistry, type SuspectReason } from './spy-registry.js';
import { randomId, type RandomBytes } from './node-id.js';
import { parseGetPeersReply } from './walk.js';
import type { KrpcClient } from './krpc.js';
import type { SpyFinding } from './sweep.js';

export interface SpyWatchOptions {
  storeDir?: string | undefined;
  bus?: EventBus | undefined;
  now?: () => number;
  maxAgeMs?: number;
}

export class SpyWatch {
  readonly registry: SpyRegistry;
  readonly #audit: AuditLog | undefined;
  readonly #opts: SpyWatchOptions;
  #writes: Promise<void> = Promise.resolve();

  constructor(opts: SpyWatchOptions) {
    this.#opts = opts;
    this.registry = new SpyRegistry({ ...(opts.now ? { now: opts.now } : {}), ...(opts.maxAgeMs ? { maxAgeMs: opts.maxAgeMs } : {}) });
    this.#audit = opts.storeDir ? new AuditLog(opts.storeDir, opts.now) : undefined;
  }

  /** Spies from earlier runs are blocked again until they age out. */
  async load(): Promise<number> {
    if (!this.#opts.storeDir) return 0;
    const ips = await readSpiesTxt(this.#opts.storeDir);
    for (const ip of ips) this.registry.add(ip, 'loaded');
    return ips.length;
  }

  /** Records findings; returns the IPs that just became active spies. */
  record(findings: readonly SpyFinding[], infoHash?: string): string[] {
    const fresh: string[] = [];
    for (const f of findings) {
      const known = this.registry.get(f.ip)?.reasons.has(f.reason) && this.registry.isActive(f.ip);
      if (this.registry.add(f.ip, f.reason, { port: f.port, decoy: f.decoy })) fresh.push(f.ip);
      if (known) continue;
      this.#opts.bus?.emit('spy', { ip: f.ip, ...(f.port !== undefined ? { port: f.port } : {}), reason: f.reason, ...(infoHash ? { infoHash } : {}) });
      this.audit({ kind: 'spy', ip: f.ip, ...(f.port !== undefined ? { port: f.port } : {}), reason: f.reason, ...(infoHash ? { infoHash } : {}), evidence: f.evidence });
    }
    if (findings.length) this.persist();
    return fresh;
  }

  suspect(ip: string, port: number, reason: SuspectReason, infoHash: string, evidence?: string): boolean {
    const known = this.registry.suspectReasons(ip).has(reason);
    const fresh = this.registry.suspect(ip, reason);
    if (!known) this.audit({ kind: 'suspect', ip, port, reason, infoHash, ...(evidence ? { evidence } : {}) });
    if (fresh) this.#opts.bus?.emit('spy', { ip, port, reason: `suspect-${reason}`, infoHash });
    return fresh;
  }

  audit(entry: AuditEntry): void {
    this.#audit?.append(entry);
  }

  /**
   * Asks each known spy node its own decoy again; one that still answers with values stays
   * active, the rest age out once SPY_MAX_AGE_MS passes without a catch.
   */
  async retest(krpc: KrpcClient, randomBytes: RandomBytes): Promise<{ caught: number; agedOut: string[] }> {
    let caught = 0;
    const nodeSpies = this.registry.active().filter((s) => s.decoy && s.reasons.has('decoy-values'));
    await Promise.all(
      nodeSpies.flatMap((s) =>
        [...s.ports].map((port) =>
          krpc.query({ host: s.ip, port }, 'get_peers', { id: randomId(randomBytes), info_hash: Buffer.from(s.decoy!, 'hex') }).then(
            (r) => {
              if (parseGetPeersReply(r)?.values.length) {
                this.registry.touch(s.ip);
                caught++;
              }
            },
            () => {},
          ),
        ),
      ),
    );
    const agedOut = this.registry.ageOut();
    if (agedOut.length) this.persist();
    return { caught, agedOut };
  }

  persist(): void {
    const dir = this.#opts.storeDir;
    if (!dir) return;
    this.#writes = this.#writes.then(() => writeSpyLists(dir, this.registry.active())).catch((err: Error) => {
      this.#opts.bus?.emit('warning', { message: `could not write the spy lists to ${dir}: ${err.message}`, code: 'E_STORE' });
    });
  }

  async flush(): Promise<void> {
    await this.#writes;
    await this.#audit?.flush();
  }
}
