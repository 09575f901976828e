/**
 * The service as the CLI builds it (manager + express app + auth), on port 0 around a loopback
 * world, for integration tests and benches. The PeerSource is injectable so privacy tests can put
 * the private lookup in its place.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBus, type AppEvent } from '../../src/events.js';
import { TorrentManager } from '../../src/core/torrent-manager.js';
import { fileSourceReader } from '../../src/core/torrent-file.js';
import { PlainLookupPeerSource } from '../../src/privacy/plain-lookup.js';
import type { PeerSource } from '../../src/privacy/peer-source.js';
import { createApp, listen, type RunningServer } from '../../src/server/app.js';
import { createAuth } from '../../src/server/auth.js';
import { ownHosts } from '../../src/server/auth-hosts.js';

export interface TestService {
  manager: TorrentManager;
  bus: EventBus;
  events: AppEvent[];
  http: RunningServer;
  baseUrl: string;
  storeDir: string;
  token: string;
  close(opts?: { keepStore?: boolean }): Promise<void>;
}

export async function startService(opts: {
  bootstrap: string[];
  storeDir?: string;
  peerSource?: PeerSource;
  host?: string;
  maxPeers?: number;
  noPiecesTimeoutMs?: number;
}): Promise<TestService> {
  const storeDir = opts.storeDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tl-store-'));
  const bus = new EventBus();
  const events: AppEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const peerSource = opts.peerSource ?? new PlainLookupPeerSource({ bootstrap: opts.bootstrap, bindAddress: '127.0.0.1', relookupIntervalMs: 2_000 });
  const manager = new TorrentManager({
    storeDir,
    maxPeers: opts.maxPeers ?? 20,
    freerider: true,
    noPiecesTimeoutMs: opts.noPiecesTimeoutMs ?? 30_000,
    progressIntervalMs: 500,
    peerSource,
    bus,
    reader: fileSourceReader,
  });
  const token = 'test-token-0123456789abcdef0123456789';
  const host = opts.host ?? '127.0.0.1';
  let port = 0;
  const auth = createAuth({ token, allowedHosts: () => ownHosts({ port, bindAddress: host }) });
  const app = createApp({ manager, bus, auth });
  const http = await listen(app, 0, host);
  port = http.port;
  return {
    manager,
    bus,
    events,
    http,
    baseUrl: `http://${host}:${http.port}`,
    storeDir,
    token,
    close: async (o) => {
      await http.close();
      await manager.close();
      if (!o?.keepStore) fs.rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
