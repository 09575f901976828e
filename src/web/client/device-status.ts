/** Devices and their playback status as /api/devices and /api/devices/:id/status report them. Pure. */
import { formatClock } from './format.js';

export interface Device {
  id: string;
  name: string;
  kind: string;
  address: string;
}

export interface DeviceStatus {
  /** e.g. "playing", "paused", "buffering", "stopped", "idle". */
  state: string;
  positionSeconds: number;
  durationSeconds: number;
  /** 0..1, or undefined when the device does not report it. */
  volume: number | undefined;
}

export function devicesFromApi(value: unknown): Device[] {
  const list = Array.isArray(value) ? value : typeof value === 'object' && value !== null && Array.isArray((value as { devices?: unknown }).devices) ? (value as { devices: unknown[] }).devices : [];
  const devices: Device[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { id, name, kind, address } = item as Record<string, unknown>;
    if (typeof id !== 'string' || !id) continue;
    devices.push({ id, name: typeof name === 'string' && name ? name : id, kind: typeof kind === 'string' ? kind : 'tv', address: typeof address === 'string' ? address : '' });
  }
  return devices;
}

export function statusFromApi(value: unknown): DeviceStatus | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { state, positionSeconds, durationSeconds, volume } = value as Record<string, unknown>;
  if (typeof state !== 'string') return undefined;
  const finite = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : 0);
  return {
    state: state.toLowerCase(),
    positionSeconds: finite(positionSeconds),
    durationSeconds: finite(durationSeconds),
    volume: typeof volume === 'number' && Number.isFinite(volume) ? Math.min(1, Math.max(0, volume)) : undefined,
  };
}

export interface RemoteView {
  /** What the big button does next: pause while playing, play otherwise. */
  toggle: 'play' | 'pause';
  toggleLabel: string;
  toggleIcon: string;
  canStop: boolean;
  canSeek: boolean;
  position: string;
  seekMax: number;
  seekValue: number;
  volumePercent: number | undefined;
  summary: string;
}

const ACTIVE = new Set(['playing', 'buffering', 'loading']);

export function remoteView(deviceName: string, status: DeviceStatus | undefined): RemoteView {
  if (!status) {
    return { toggle: 'play', toggleLabel: 'Play', toggleIcon: '▶', canStop: false, canSeek: false, position: '0:00 / 0:00', seekMax: 0, seekValue: 0, volumePercent: undefined, summary: `${deviceName}: no status yet` };
  }
  const playing = ACTIVE.has(status.state);
  const loaded = status.state !== 'idle' && status.state !== 'stopped';
  const duration = Math.floor(status.durationSeconds);
  return {
    toggle: playing ? 'pause' : 'play',
    toggleLabel: playing ? 'Pause' : 'Play',
    toggleIcon: playing ? '❚❚' : '▶',
    canStop: loaded,
    canSeek: loaded && duration > 0,
    position: `${formatClock(status.positionSeconds)} / ${formatClock(status.durationSeconds)}`,
    seekMax: duration,
    seekValue: Math.min(duration, Math.floor(status.positionSeconds)),
    volumePercent: status.volume === undefined ? undefined : Math.round(status.volume * 100),
    summary: `${deviceName}: ${status.state}`,
  };
}
