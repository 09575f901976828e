/**
 * The service exactly as the CLI builds it (src/service: one call to the composition root), on
 * port 0 around a loopback world, with every event recorded. Test defaults: no TV discovery and
 * no SSDP announcements unless asked (they share multicast with other tests); the PeerSource is
 * the plain lookup unless the test asks for the private one or brings its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildConfig, type ConfigOverrides } from '../../src/config.js';
import { EventBus, type AppEvent } from '../../src/events.js';
import { PlainLookupPeerSource } from './plain-lookup.js';
import type { PeerSource } from '../../src/privacy/peer-source.js';
import { startService as startRealService, type Service, type ServiceOptions } from '../../src/service/index.js';

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
  /** Composition options (TVs, media server, transcode limits, isTrusted...). */
  service?: Omit<ServiceOptions, 'bus' | 'peerSource'>;
  /** Run the production default (the private lookup built by the service itself). */
  privateLookup?: boolean;
  config?: ConfigOverrides;
  /** The warning rate limit's window (default: the production one). */
  warningWindowMs?: number;
}): Promise<TestService> {
  const storeDir = opts.storeDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tl-store-'));
  const bus = new EventBus(opts.warningWindowMs !== undefined ? { warningWindowMs: opts.warningWindowMs } : {});
  const events: AppEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const config = buildConfig({
    storeDir,
    httpPort: 0,
    httpHost: opts.host ?? '127.0.0.1',
    dhtBootstrap: opts.bootstrap,
    bindAddress: '127.0.0.1',
    interface: '127.0.0.1',
    maxPeers: opts.maxPeers,
    noPiecesTimeoutMs: opts.noPiecesTimeoutMs,
    progressIntervalMs: 500,
    ...opts.config,
  });
  // A PeerSource this wrapper makes, it closes; one the test brings, the test closes.
  const ownSource = opts.privateLookup || opts.peerSource ? undefined : new PlainLookupPeerSource({ bootstrap: opts.bootstrap, bindAddress: '127.0.0.1', relookupIntervalMs: 2_000 });
  const peerSource = opts.peerSource ?? ownSource;
  let service: Service;
  try {
    service = await startRealService(config, { tvs: false, mediaServer: { advertise: false }, ...opts.service, bus, ...(peerSource ? { peerSource } : {}) });
  } catch (err) {
    await ownSource?.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    ...service,
    events,
    baseUrl: service.localUrl,
    storeDir,
    // Idempotent: a test may close early and its after-hook closes again.
    close: async (o) => {
      closing ??= (async () => {
        await service.close();
        await ownSource?.close();
      })();
      await closing;
      if (!o?.keepStore) fs.rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
