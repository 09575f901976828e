/** The live progress line: pure formatting, and a renderer that redraws it on a TTY. */
import type { SessionStatus } from '../core/engine.js';

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressLine(s: SessionStatus, extra: { spiesBlocked?: number | undefined; dhtNodes?: number | undefined } = {}): string {
  const name = s.name ?? `${s.infoHash.slice(0, 8)}… (fetching metadata)`;
  // DHT nodes reached: 0 with 0 peers says "no network", not "no seeders".
  const dht = extra.dhtNodes !== undefined ? ` | ${extra.dhtNodes} DHT nodes` : '';
  if (!s.ready) return `${name} | ${s.peers} peers${dht}`;
  const pct = s.length ? ((100 * s.downloaded) / s.length).toFixed(1) : '0.0';
  const parts = [
    name,
    `${formatBytes(s.downloaded)} / ${formatBytes(s.length)} (${pct}%)`,
    `${formatBytes(s.speed)}/s`,
    `${s.peers} peers${dht}`,
    s.done ? 'done' : s.paused ? `paused: ${s.paused}` : `${formatDuration(s.timeLeft)} left`,
    `piece ${s.readHeadPiece ?? '-'}/${s.totalPieces}`,
  ];
  if (extra.spiesBlocked !== undefined) parts.push(`${extra.spiesBlocked} spies blocked`);
  return parts.join(' | ');
}
