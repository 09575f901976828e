/** Human-readable numbers for the remote. Pure, shared by every view. */

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 kB" (decimal units, as download tools show them). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** Whole percent, never 100 before the last byte. */
export function formatPercent(done: number, total: number): string {
  if (!(total > 0)) return '0%';
  const ratio = Math.min(1, Math.max(0, done / total));
  const percent = ratio < 1 ? Math.min(99, Math.floor(ratio * 100)) : 100;
  return `${percent}%`;
}

/** 3725 → "1:02:05", 65 → "1:05". */
export function formatClock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–:––';
  const total = Math.floor(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Time left in words short enough for a phone line: "3 min left", "done". */
export function formatTimeLeft(seconds: number | null | undefined, finished: boolean): string {
  if (finished) return 'done';
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return 'waiting for peers';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min left`;
  return `${(seconds / 3600).toFixed(1)} h left`;
}
