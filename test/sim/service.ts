/**
 * The service exactly as the CLI builds it (src/service.ts), on port 0 around a loopback world,
 * with every event recorded. The PeerSource is injectable so privacy tests can put the private
 * lookup in its place.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildConfig, type Config } from '../../src/config.js';
import { EventBus, type AppEvent } from '../../src/events.js';
import { PlainLookupPeerSource } from './plain-lookup.js';
import type { PeerSource } from '../../src/privacy/peer-source.js';
import { startService as startRealService, type Service, type ServiceParts } from '../../src/service.js';

export interface TestService extends Omit<Service, 'close'> {
  events: AppEvent[];
  baseUrl: string;
  storeDir: string;
  close(opts?: { keepStore?: boolean }): Promise<void>;
}

export async function startService(opts: {
  bootstrap: string[];
  storeDir?: string;
  peerSource?: PeerSource;
  host?: string;
  maxPeers?: number;
  noPiecesTimeoutMs?: number;
  parts?: Omit<ServiceParts, 'bus' | 'peerSource'>;
  /** Run the production default (the private lookup built by the service itself). */
  privateLookup?: boolean;
  config?: Partial<Config>;
}): Promise<TestService> {
  const storeDir = opts.storeDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tl-store-'));
  const bus = new EventBus();
  const events: AppEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const config = buildConfig({
    storeDir,
    httpPort: 0,
    httpHost: opts.host ?? '127.0.0.1',
    dhtBootstrap: opts.bootstrap,
    bindAddress: '127.0.0.1',
    maxPeers: opts.maxPeers,
    noPiecesTimeoutMs: opts.noPiecesTimeoutMs,
    progressIntervalMs: 500,
    ...opts.config,
  });
  const peerSource = opts.privateLookup ? undefined : (opts.peerSource ?? new PlainLookupPeerSource({ bootstrap: opts.bootstrap, bindAddress: '127.0.0.1', relookupIntervalMs: 2_000 }));
  const service = await startRealService(config, { ...opts.parts, bus, ...(peerSource ? { peerSource } : {}) });
  return {
    ...service,
    events,
    baseUrl: service.localUrl,
    storeDir,
    close: async (o) => {
      await service.close();
      if (!o?.keepStore) fs.rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
