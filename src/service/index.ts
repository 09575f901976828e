/**
 * The composition root: builds the running service from a config, part by part in order, and
 * closes the parts in reverse. The CLI modes, the demo, the benches and the tests all start the
 * service here, in one call, so what they test is what users run. A part that fails to start
 * closes everything started before it.
 *
 *   store lock → privacy (blocklists, the PeerSource) → store (migrated) → library → torrents (restored) → auth → transcode → media server →
 *   TVs → web remote → HTTP; then, once the port is known, SSDP announcements.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Router } from 'express';
import type { Discovery } from '@torrent-live/casting';
import type { Config } from '../config.js';
import { EventBus } from '../events.js';
import { TorrentManager } from '../core/torrent-manager.js';
import { fileSourceReader } from '../core/torrent-file.js';
import { storeLayout, type StoreLayout } from '../core/store-layout.js';
import { prepareStore } from '../core/store-migration.js';
import { Library } from '../core/library.js';
import { acquireStoreLock } from '../core/store-lock.js';
import { describeFsError } from '../core/fs-errors.js';
import { ensureDirectory } from '../core/ensure-dir.js';
import { TorrentLiveError } from '../errors.js';
import { DiskSpace, type StatFs } from '../core/disk-space.js';
import type { PeerSource } from '../privacy/peer-source.js';
import { startPrivacy, type Privacy } from '../privacy/setup.js';
import { spiesRouter } from '../server/spies-api.js';
import { createApp, listen, type AppOptions, type RunningServer } from '../server/app.js';
import { StreamSlots } from '../server/stream-slots.js';
import { createAuth, type Auth } from '../server/auth.js';
import { ownHosts } from '../server/auth-hosts.js';
import { loadOrCreateToken } from '../server/auth-token.js';
import { createTranscodeHandler, defaultFfprobePath, type TranscodeOptions } from '../transcode/transcode-route.js';
import { ProbeCache } from '../transcode/probe-cache.js';
import { decisionFields } from '../transcode/decide.js';
import { webRemoteRouter } from '../web/router.js';
import { playbackRouter } from '../server/playback-api.js';
import { transcoderStatusRouter } from '../server/transcoder-status.js';
import { startDevicesPart, type TvDiscoveryOptions } from './devices-part.js';
import { mediaServerPart, type MediaServerOptions } from './media-server-part.js';
import { closeInReverse, type ServiceApp, type ServicePart } from './part.js';
import { openConfiguredRoute } from '../route/index.js';
import type { TorrentRoute } from '../route/torrent-route.js';
import { routeRouter } from '../server/route-api.js';
import { httpBase } from '../server/http-base.js';

export interface ServiceOptions {
  bus?: EventBus;
  /** Tests: a PeerSource in place of the private lookup (whoever made it closes it). */
  peerSource?: PeerSource;
  /** Which remote addresses count as "this machine" (no token needed). Default: loopback. */
  isTrusted?: (remoteAddress: string) => boolean;
  /** The phone remote page (default on). */
  webRemote?: boolean;
  /** TV discovery and the devices API (default on); false: no TVs. */
  tvs?: TvDiscoveryOptions | false;
  mediaServer?: MediaServerOptions;
  transcode?: Omit<TranscodeOptions, 'probes' | 'ffmpegPath' | 'onDecision'>;
  /** Tests: how the store disk's free space is read (default fs.statfs). */
  statfs?: StatFs;
}

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
  /** The TVs seen; absent with `tvs: false`. */
  discovery: Discovery | undefined;
  /** How torrent traffic leaves (proxy, bound address, direct) and whether it is blocked. */
  route: TorrentRoute;
  /** http://host:port as reachable from this machine. */
  localUrl: string;
  close(): Promise<void>;
}

export async function startService(config: Readonly<Config>, options: ServiceOptions = {}): Promise<Service> {
  const store = storeLayout(config.storeDir);
  const bus = options.bus ?? new EventBus();
  const parts: ServicePart[] = [];
  // The first folder this start created, so a start that fails (a bad blocklist) leaves no trace.
  let createdFrom: string | undefined;
  try {
    // One process per store, before anything reads or writes it (the lock is released last).
    createdFrom = await ensureDirectory(store.stateDir, 0o700).catch((err: unknown) => {
      throw new TorrentLiveError('E_STORE', `cannot prepare the store ${store.root}: ${describeFsError(err, store.stateDir)}`, { cause: err });
    });
    const lock = await acquireStoreLock(store.lockFile, { storeRoot: store.root });
    parts.push({ name: 'store-lock', close: () => lock.release() });
    // Every torrent socket (peer TCP, uTP, DHT UDP) comes from the route, chosen here once.
    const route = await openConfiguredRoute(config, (message) => bus.emit('warning', { message }));
    parts.push({ name: 'route', register: (app) => app.apiRoutes(routeRouter(route)), close: () => route.close() });
    const offRoute = route.onChange((status) => bus.emit('route', status));
    parts.push({ name: 'route-events', close: async () => offRoute() });
    bus.emit('route', route.status());
    // The private lookup is the default and only production PeerSource; blocklists are loaded
    // first so a bad one stops the start before anything is written or listens.
    const privacy = options.peerSource ? undefined : await startPrivacy({ ...config, storeDir: store.privacyDir, openUdp: route.openUdp, noLocalDns: route.noLocalDns }, bus);
    if (privacy) parts.push({ name: 'privacy', register: (app) => app.apiRoutes(spiesRouter({ stats: privacy.stats, watch: privacy.watch })), close: () => privacy.close() });
    // Before anything reads the store's state: an older store's files move into the separate trees.
    const migration = await prepareStore(store);
    for (const message of migration.warnings) bus.emit('warning', { message, code: 'E_STORE' });
    // The torrents added before (by any route) come back with the same infohashes, hence the same
    // stream URLs, DLNA ids and add-on ids; an unusable list is set aside with a warning.
    const library = await Library.open({ file: store.libraryFile, onWarning: (message) => bus.emit('warning', { message, code: 'E_STORE' }) });
    // Free space is checked before a piece is requested and sampled while downloading: a full disk
    // pauses the torrents (and they resume by themselves), it never turns into endless re-requests.
    const space = await DiskSpace.open({
      dir: store.downloadsDir,
      reserveBytes: config.diskReserveBytes,
      resumeBytes: config.diskResumeBytes,
      pollMs: config.diskPollMs,
      onWarning: (message) => bus.emit('warning', { message, code: 'E_STORE' }),
      ...(options.statfs ? { statfs: options.statfs } : {}),
    });
    parts.push({ name: 'disk-space', close: async () => space.close() });
    const manager = new TorrentManager({
      store,
      bindAddress: config.bindAddress,
      transports: route.transports,
      encryption: config.encryption,
      maxPeers: config.maxPeers,
      freerider: config.freerider,
      noPiecesTimeoutMs: config.noPiecesTimeoutMs,
      progressIntervalMs: config.progressIntervalMs,
      peerSource: options.peerSource ?? privacy!.peerSource,
      bus,
      reader: fileSourceReader,
      library,
      space,
      ...(privacy ? { spiesBlocked: (infoHash: string) => privacy.stats.spiesBlocked(infoHash) } : {}),
    });
    parts.push({ name: 'torrents', close: () => manager.close() });
    manager.restore();

    const { token } = await loadOrCreateToken(store.stateDir, { rotate: config.newToken });
    // URLs and the Host check read the port when they need it: it is known only once listening.
    let port = config.httpPort;
    const auth = createAuth({
      token,
      allowedHosts: () => ownHosts({ port, bindAddress: config.httpHost }),
      ...(options.isTrusted ? { isTrusted: options.isTrusted } : {}),
    });
    // One set of ffprobe answers for casting, transcoding and the DLNA listings' durations.
    const probes = new ProbeCache({ ffprobePath: defaultFfprobePath(config.ffmpegPath ?? 'ffmpeg') });
    const ctx = { config, store, bus, manager, auth, probes, port: () => port };

    // Hardware encoders are found by test encodes when a conversion first needs one (or the status
    // is asked), not here: three ffmpeg runs at every start for a feature many sessions never use.
    const transcode = createTranscodeHandler({
      ...options.transcode,
      manager,
      bus,
      probes,
      ...(config.ffmpegPath ? { ffmpegPath: config.ffmpegPath } : {}),
      onDecision: (r) => bus.emit('transcode', { infoHash: r.infoHash, fileIndex: r.fileIndex, device: r.device, startSeconds: r.startSeconds, ...decisionFields(r.decision) }),
    });
    // The web player's playback decision reads the same probes the transcoder and TVs use.
    const playback = playbackRouter({ manager, probes });
    parts.push({
      name: 'transcode',
      register: (app) => (app.transcode(transcode), app.apiRoutes(playback), app.apiRoutes(transcoderStatusRouter(transcode))),
      // No test encode may outlive the service.
      close: () => transcode.close(),
    });
    parts.push(mediaServerPart(ctx, options.mediaServer));
    const devices = options.tvs === false ? undefined : await startDevicesPart({ ...ctx, capacityCheck: transcode.capacityCheck }, options.tvs ?? {});
    if (devices) parts.push(devices);
    if (options.webRemote !== false) parts.push({ name: 'web-remote', register: (app) => app.pageRoutes(webRemoteRouter()), close: async () => undefined });

    const durationOf = (infoHash: string, fileIndex: number): number | undefined => probes.cached(infoHash, fileIndex)?.durationSeconds;
    const streamSlots = new StreamSlots({ perClient: config.maxStreamsPerClient, total: config.maxStreams });
    const http = await listen(createApp({ manager, bus, auth, durationOf, streamSlots, ...mounted(parts) }), config.httpPort, config.httpHost, {
      headersTimeoutMs: config.httpHeadersTimeoutMs,
      requestTimeoutMs: config.httpRequestTimeoutMs,
    });
    // Last in, first out: on close the server stops taking requests before anything else goes.
    parts.push({ name: 'http', close: () => http.close() });
    port = http.port;
    await lock.setPort(port);
    for (const part of parts) await part.listening?.();

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
      discovery: devices?.discovery,
      route,
      localUrl: httpBase(localHost, http.port),
      close: () => closeInReverse(parts),
    };
  } catch (err) {
    await closeInReverse(parts);
    if (createdFrom !== undefined) await removeEmptyFolders(store.stateDir, createdFrom);
    throw err;
  }
}

/** rmdir from `deepest` up to `top` (inclusive), stopping at the first folder not empty. */
async function removeEmptyFolders(deepest: string, top: string): Promise<void> {
  for (let dir = deepest; ; dir = path.dirname(dir)) {
    if (!(await fs.rmdir(dir).then(() => true, () => false))) return;
    if (dir === top || path.dirname(dir) === dir) return;
  }
}

/** What the parts registered, in their order, as the app's options. */
function mounted(parts: readonly ServicePart[]): Omit<AppOptions, 'manager' | 'bus' | 'auth' | 'streamSlots'> {
  const publicRouters: Router[] = [];
  const apiRouters: Router[] = [];
  const pageRouters: Router[] = [];
  const out: Omit<AppOptions, 'manager' | 'bus' | 'auth' | 'streamSlots'> = { publicRouters, apiRouters, pageRouters };
  const app: ServiceApp = {
    publicRoutes: (r) => publicRouters.push(r),
    apiRoutes: (r) => apiRouters.push(r),
    pageRoutes: (r) => pageRouters.push(r),
    streamHeaders: (h) => (out.streamHeaders = h),
    transcode: (t) => (out.transcode = t),
  };
  for (const part of parts) part.register?.(app);
  return out;
}
