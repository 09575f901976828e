/**
 * One typed, frozen configuration built from flags and defaults; modules receive their slice and
 * never read raw options again. Every default lives here, with its unit in its name.
 */
import type { EncryptionPolicy } from './transport/dial-plan.js';
import type { ProxySpec } from './route/proxy-url.js';

export const PUBLIC_DHT_ROUTERS = Object.freeze([
  'router.bittorrent.com:6881',
  'router.utorrent.com:6881',
  'dht.transmissionbt.com:6881',
]);

export type TranscodeFormat = 'mp4' | 'webm';

export interface Config {
  storeDir: string;
  httpPort: number;
  httpHost: string;
  /** Local address for DHT UDP and outgoing peer TCP. */
  bindAddress: string | undefined;
  /** --bind-interface: torrent sockets follow this interface's IPv4 address (the kill switch). */
  bindInterface: string | undefined;
  /** --proxy: every peer connection and DHT datagram through this SOCKS5 proxy. */
  proxy: ProxySpec | undefined;
  dhtPort: number;
  dhtBootstrap: readonly string[];
  blocklists: readonly string[];
  freerider: boolean;
  maxPeers: number;
  /** MSE/PE on outgoing peer connections: prefer (RC4, plaintext redial), require, off. */
  encryption: EncryptionPolicy;
  /** Dial peers over uTP as well as TCP. */
  utp: boolean;
  dnsbl: readonly string[];
  interface: string | undefined;
  ffmpegPath: string | undefined;
  /** The DLNA media server's friendly name; default `torrent-live (<host>:<HTTP port>)`, distinct per instance. */
  dlnaName: string | undefined;
  json: boolean;
  transcode: TranscodeFormat | undefined;
  newToken: boolean;
  /** Peers that hold a connection this long without sending a block are dropped and replaced. */
  noPiecesTimeoutMs: number;
  progressIntervalMs: number;
  /** Left free on the store's disk: downloads pause below it and resume above it plus diskResumeBytes. */
  diskReserveBytes: number;
  diskResumeBytes: number;
  /** How often the store disk's free space is read (statfs). */
  diskPollMs: number;
  /** An HTTP client must send its whole header block within this, its whole request within the other. */
  httpHeadersTimeoutMs: number;
  httpRequestTimeoutMs: number;
  /** Open /stream responses allowed per client address and in all. */
  maxStreamsPerClient: number;
  maxStreams: number;
}

export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze({
  storeDir: './store',
  httpPort: 8888,
  httpHost: '0.0.0.0',
  bindAddress: undefined,
  bindInterface: undefined,
  proxy: undefined,
  dhtPort: 0,
  dhtBootstrap: PUBLIC_DHT_ROUTERS,
  blocklists: [],
  freerider: true,
  maxPeers: 20,
  encryption: 'prefer',
  utp: true,
  dnsbl: [],
  interface: undefined,
  ffmpegPath: undefined,
  dlnaName: undefined,
  json: false,
  transcode: undefined,
  newToken: false,
  noPiecesTimeoutMs: 30_000,
  progressIntervalMs: 1_000,
  diskReserveBytes: 8 * 1024 * 1024,
  diskResumeBytes: 4 * 1024 * 1024,
  diskPollMs: 1_000,
  httpHeadersTimeoutMs: 20_000,
  httpRequestTimeoutMs: 120_000,
  maxStreamsPerClient: 16,
  maxStreams: 128,
});

/** Overrides may carry `undefined` (an unset flag): those keep the default. */
export type ConfigOverrides = { [K in keyof Config]?: Config[K] | undefined };

export function buildConfig(overrides: ConfigOverrides): Readonly<Config> {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return Object.freeze({ ...DEFAULT_CONFIG, ...defined });
}
