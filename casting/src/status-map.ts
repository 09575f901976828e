/** One CastState for both kinds: UPnP TransportState and Cast playerState mapped onto it. */
import type { CastState } from './types.js';

export function transportStateToCastState(state: string | undefined): CastState {
  switch ((state ?? '').trim().toUpperCase()) {
    case 'PLAYING': return 'playing';
    case 'PAUSED_PLAYBACK':
    case 'PAUSED_RECORDING': return 'paused';
    case 'STOPPED': return 'stopped';
    case 'TRANSITIONING': return 'loading';
    case 'NO_MEDIA_PRESENT': return 'idle';
    default: return 'error';
  }
}

/** Cast MEDIA_STATUS playerState (+ idleReason) → CastState. */
export function playerStateToCastState(playerState: string | undefined, idleReason?: string): CastState {
  switch ((playerState ?? '').toUpperCase()) {
    case 'PLAYING': return 'playing';
    case 'PAUSED': return 'paused';
    case 'BUFFERING':
    case 'LOADING': return 'loading';
    case 'IDLE':
      if (idleReason === 'ERROR') return 'error';
      if (idleReason === 'CANCELLED' || idleReason === 'FINISHED' || idleReason === 'INTERRUPTED') return 'stopped';
      return 'idle';
    case '': return 'idle';
    default: return 'error';
  }
}

/** "H+:MM:SS[.F+]" → seconds; NOT_IMPLEMENTED or garbage → 0. */
export function parseHms(value: string | undefined): number {
  const m = /^\s*(\d+):([0-5]?\d):([0-5]?\d)(?:\.(\d+))?\s*$/.exec(value ?? '');
  if (!m) return 0;
  const fraction = m[4] ? Number(`0.${m[4]}`) : 0;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + fraction;
}

/** Seconds → "H:MM:SS" (REL_TIME targets) or "H:MM:SS.mmm" (DIDL duration). */
export function formatHms(seconds: number, withMillis = false): string {
  // Whole seconds are truncated (a position never runs ahead); milliseconds are rounded once, so
  // 59.9996 s reads 0:01:00.000 rather than a 1000 ms field.
  const clamped = Math.max(0, Number.isFinite(seconds) ? seconds : 0);
  const totalMs = withMillis ? Math.round(clamped * 1000) : Math.floor(clamped) * 1000;
  const h = Math.floor(totalMs / 3_600_000);
  const m = Math.floor((totalMs % 3_600_000) / 60_000);
  const s = Math.floor((totalMs % 60_000) / 1000);
  const base = `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return withMillis ? `${base}.${String(totalMs % 1000).padStart(3, '0')}` : base;
}
