/** The shapes the casting library hands out: devices, media to play, and one status for both kinds. */
export type DeviceKind = 'chromecast' | 'dlna';

export interface DeviceInfo {
  /** Stable across restarts: `chromecast:<mDNS TXT id>` or `dlna:<UDN>`. */
  id: string;
  name: string;
  kind: DeviceKind;
  address: string;
  port: number;
  model?: string;
  /** DLNA only: the sink list from ConnectionManager GetProtocolInfo, when it could be fetched. */
  sinkProtocols?: string[];
  lastSeenMs: number;
  /** DLNA only: absolute control URLs from the device description (same host as the SSDP answer). */
  controlUrls?: { avTransport?: string; renderingControl?: string; connectionManager?: string };
}

export interface SubtitleTrack { url: string; language: string; label: string }

export interface MediaSpec {
  url: string;
  title: string;
  contentType: string;
  sizeBytes?: number;
  durationSeconds?: number;
  posterUrl?: string;
  /** WebVTT URLs. */
  subtitles?: SubtitleTrack[];
}

export type CastState = 'idle' | 'loading' | 'playing' | 'paused' | 'stopped' | 'error';

export interface CastStatus {
  state: CastState;
  positionSeconds: number;
  durationSeconds: number;
  /** 0..1 */
  volume: number;
  error?: string;
}

export interface CastTarget {
  readonly device: DeviceInfo;
  load(media: MediaSpec): Promise<void>;
  play(): Promise<void>;
  pause(): Promise<void>;
  stop(): Promise<void>;
  seek(seconds: number): Promise<void>;
  setVolume(level: number): Promise<void>;
  status(): Promise<CastStatus>;
  close(): Promise<void>;
}

export interface Discovery {
  devices(): DeviceInfo[];
  find(idOrName: string): DeviceInfo | undefined;
  waitFor(idOrName: string, timeoutMs: number): Promise<DeviceInfo>;
  onChange(listener: (devices: DeviceInfo[]) => void): () => void;
  close(): Promise<void>;
}

export interface DiscoveryOptions {
  /** One IPv4 to bind mDNS/SSDP to; default all non-internal IPv4. */
  interfaceAddress?: string;
  chromecast?: boolean;
  dlna?: boolean;
  expireAfterMs?: number;
  searchIntervalMs?: number;
  descriptionTimeoutMs?: number;
  descriptionMaxBytes?: number;
  /** Only for tests: extra mDNS socket options, e.g. { interface: '127.0.0.1', bind: '0.0.0.0' }. */
  mdnsSocket?: { interface?: string; bind?: string; port?: number };
  /** Why a device answer was ignored (off-LAN LOCATION, oversized or hostile description...). */
  onIgnored?: (reason: IgnoredAnswer) => void;
  /** Injected clock, for tests of expiry. */
  now?: () => number;
}

export interface IgnoredAnswer { kind: DeviceKind; from: string; reason: string }

export type CastErrorCode = 'E_DEVICE_UNREACHABLE' | 'E_DEVICE_REFUSED' | 'E_DEVICE_TIMEOUT' | 'E_DEVICE_NOT_FOUND' | 'E_BAD_DESCRIPTION';

export class CastError extends Error {
  readonly code: CastErrorCode;
  constructor(code: CastErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CastError';
    this.code = code;
  }
}

export function isCastError(err: unknown): err is CastError {
  return err instanceof CastError;
}
