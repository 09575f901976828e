/**
 * Builds the running service from a config: peer source, torrent manager, auth, the express app
 * and its HTTP server. The CLI modes and the integration tests start it the same way.
 */
import type { Router } from 'express';
import type { Config } from './config.js';
import { EventBus } from './events.js';
import { TorrentManager } from './core/torrent-manager.js';
import { fileSourceReader } from './core/torrent-file.js';
import type { PeerSource } from './privacy/peer-source.js';
import { storeLayout, type StoreLayout } from './core/store-layout.js';
import { prepareStore } from './core/store-migration.js';
import { startPrivacy, type Privacy } from './privacy/setup.js';
import { spiesRouter } from './server/spies-api.js';
import { createApp, listen, type AppOptions, type RunningServer } from './server/app.js';
import { createAuth, type Auth } from './server/auth.js';
import { ownHosts } from './server/auth-hosts.js';
import { loadOrCreateToken } from './server/auth-token.js';

export interface Service {
  config: Readonly<Config>;
  /** Where the downloads, the state and the privacy files live under --store. */
  store: StoreLayout;
  bus: EventBus;
  manager: TorrentManager;
  auth: Auth;
  token: string;
  http: RunningServer;
  /** The private lookup's state; absent when a test supplies its own PeerSource. */
  privacy: Privacy | undefined;
  /** http://host:port as reachable from this machine. */
  localUrl: string;
  close(): Promise<void>;
}

export interface ServiceParts {
  bus?: EventBus;
  peerSource?: PeerSource;
  /** Which remote addresses count as "this machine" (no token needed). Default: loopback. */
  isTrusted?: (remoteAddress: string) => boolean;
  apiRouters?: (ctx: { manager: TorrentManager; auth: Auth; bus: EventBus }) => Router[];
  pageRouters?: Router[];
  /** Reachable without pairing, behind the Host check (DLNA descriptions, the add-on's keyed routes). */
  publicRouters?: (ctx: { manager: TorrentManager; auth: Auth; bus: EventBus }) => Router[];
  /** Extra headers on /stream responses (DLNA renderers need transferMode/contentFeatures). */
  streamHeaders?: (ctx: { manager: TorrentManager; auth: Auth }) => NonNullable<AppOptions['streamHeaders']>;
  /** Serves `/stream/...?transcode=`; built from the manager once it exists. */
  transcode?: (ctx: { manager: TorrentManager; bus: EventBus }) => NonNullable<AppOptions['transcode']>;
}

export async function startService(config: Readonly<Config>, parts: ServiceParts = {}): Promise<Service> {
  const store = storeLayout(config.storeDir);
  const bus = parts.bus ?? new EventBus();
  // Before anything reads the store: an older store's files move into the separate trees.
  const migration = await prepareStore(store);
  for (const message of migration.warnings) bus.emit('warning', { message, code: 'E_STORE' });
  // The private lookup is the default and only production PeerSource (DESIGN.md); blocklists are
  // loaded first so a bad one stops the start before anything listens.
  const privacy = parts.peerSource ? undefined : await startPrivacy({ ...config, storeDir: store.privacyDir }, bus);
  const peerSource = parts.peerSource ?? privacy!.peerSource;
  const manager = new TorrentManager({
    store,
    maxPeers: config.maxPeers,
    freerider: config.freerider,
    noPiecesTimeoutMs: config.noPiecesTimeoutMs,
    progressIntervalMs: config.progressIntervalMs,
    peerSource,
    bus,
    reader: fileSourceReader,
    ...(privacy ? { spiesBlocked: (infoHash: string) => privacy.stats.spiesBlocked(infoHash) } : {}),
  });
  const { token } = await loadOrCreateToken(store.stateDir, { rotate: config.newToken });
  let port = config.httpPort;
  const auth = createAuth({
    token,
    allowedHosts: () => ownHosts({ port, bindAddress: config.httpHost }),
    ...(parts.isTrusted ? { isTrusted: parts.isTrusted } : {}),
  });
  const app = createApp({
    manager,
    bus,
    auth,
    apiRouters: [...(privacy ? [spiesRouter({ stats: privacy.stats, watch: privacy.watch })] : []), ...(parts.apiRouters?.({ manager, auth, bus }) ?? [])],
    pageRouters: parts.pageRouters ?? [],
    publicRouters: parts.publicRouters?.({ manager, auth, bus }) ?? [],
    ...(parts.streamHeaders ? { streamHeaders: parts.streamHeaders({ manager, auth }) } : {}),
    ...(parts.transcode ? { transcode: parts.transcode({ manager, bus }) } : {}),
  });
  let http: RunningServer;
  try {
    http = await listen(app, config.httpPort, config.httpHost);
  } catch (err) {
    await manager.close();
    await privacy?.close();
    throw err;
  }
  port = http.port;
  const localHost = config.httpHost === '0.0.0.0' || config.httpHost === '::' ? '127.0.0.1' : config.httpHost;
  return {
    config,
    store,
    bus,
    manager,
    auth,
    token,
    http,
    privacy,
    localUrl: `http://${localHost.includes(':') ? `[${localHost}]` : localHost}:${http.port}`,
    close: async () => {
      await http.close();
      await manager.close();
      await privacy?.close();
    },
  };
}
