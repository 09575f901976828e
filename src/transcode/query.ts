/** The transcode query (`?transcode=mp4|webm&t=SECONDS&device=ID&burn=N`) checked as plain data. */
import type { OutputContainer } from './capabilities.js';

export interface TranscodeQuery {
  container: OutputContainer;
  startSeconds: number;
  device: string;
  /** `burn=N`: picture subtitle track N drawn into the converted picture. */
  burnSubtitle?: number;
}

/** Ten days: far past any film, small enough that ffmpeg's parser never sees exponent form. */
export const MAX_START_SECONDS = 864_000;

function single(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function parseTranscodeQuery(query: Record<string, unknown>, knownDevices: readonly string[]): { ok: true; value: TranscodeQuery } | { ok: false; message: string } {
  const container = single(query['transcode']);
  if (container !== 'mp4' && container !== 'webm') {
    return { ok: false, message: `transcode=${String(query['transcode']).slice(0, 40)} is not supported; use transcode=mp4 or transcode=webm` };
  }
  let startSeconds = 0;
  if (query['t'] !== undefined) {
    const t = single(query['t']);
    if (t === undefined || !/^\d{1,7}(\.\d{1,6})?$/.test(t) || Number(t) > MAX_START_SECONDS) {
      return { ok: false, message: `t=${String(query['t']).slice(0, 40)} is not a time; give seconds from the start, e.g. t=90 or t=90.5` };
    }
    startSeconds = Number(t);
  }
  const device = query['device'] === undefined ? 'browser' : single(query['device']);
  if (device === undefined || !knownDevices.includes(device)) {
    return { ok: false, message: `device=${String(query['device']).slice(0, 40)} is unknown; use one of ${knownDevices.join(', ')}` };
  }
  let burnSubtitle: number | undefined;
  if (query['burn'] !== undefined) {
    const b = single(query['burn']);
    if (b === undefined || !/^\d{1,2}$/.test(b)) return { ok: false, message: `burn=${String(query['burn']).slice(0, 40)} is not a subtitle track; give its number among the file's subtitle tracks, e.g. burn=0` };
    burnSubtitle = Number(b);
  }
  return { ok: true, value: { container, startSeconds, device, ...(burnSubtitle !== undefined ? { burnSubtitle } : {}) } };
}
