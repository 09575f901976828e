/**
 * The one playback decision every screen asks (the web player, Chromecast, DLNA renderers and the
 * DLNA listing, the add-ons): from the probe and the screen's abilities, what to send. Pure.
 *
 *   original  the file's own bytes (Range, native seeking)
 *   remux     ffmpeg copies every stream into another container
 *   audio     video copied, audio converted (AC-3/DTS for a browser): cheap, same picture
 *   convert   the video is re-encoded (and the audio when needed)
 *
 * Everything but `original` is an ffmpeg stream with no byte ranges: a screen seeks it by asking
 * again with `&t=`.
 */
import type { DeviceCapabilities, OutputContainer } from './capabilities.js';
import { decide, type Decision } from './decide.js';
import { unknownStreams, type ProbeResult } from './probe.js';

export type PlaybackMode = 'original' | 'remux' | 'audio' | 'convert';

export interface PlaybackPlan {
  mode: PlaybackMode;
  /** The container to ask `?transcode=` for; absent for the original. */
  transcode?: OutputContainer;
  /** Absent when the file could not be probed. */
  decision?: Decision;
  /** Why, in words a user can read. */
  reason: string;
}

export function modeOf(d: Decision): PlaybackMode {
  if (d.action === 'original') return 'original';
  if (d.action === 'remux') return 'remux';
  return d.video === 'copy' ? 'audio' : 'convert';
}

/**
 * `requested` is a container the caller insists on (a `?transcode=` the user chose); without it a
 * file the screen plays as is stays the original. Without a probe, the original is the honest
 * choice unless a conversion was asked for: the screen may still play it, and says so if not.
 */
export function planPlayback(probe: ProbeResult | undefined, caps: DeviceCapabilities, opts: { requested?: OutputContainer; probeError?: string } = {}): PlaybackPlan {
  if (!probe) {
    const why = `the file could not be probed${opts.probeError ? ` (${opts.probeError})` : ''}`;
    return opts.requested
      ? { mode: 'convert', transcode: opts.requested, reason: `${why}; converting to ${opts.requested} as asked` }
      : { mode: 'original', reason: `${why}; sending it as it is` };
  }
  // ffmpeg cannot convert a stream it does not know: the file as it is is the only chance.
  const unknown = unknownStreams(probe);
  if (unknown.length > 0 && !opts.requested) return { mode: 'original', reason: `ffmpeg does not know this file's ${unknown.join(' and ')} codec, so it cannot convert it; sending the file as it is` };
  const decision = decide(probe, caps, opts.requested ? { container: opts.requested } : {});
  const mode = modeOf(decision);
  return mode === 'original' ? { mode, decision, reason: decision.reason } : { mode, transcode: decision.container, decision, reason: decision.reason };
}

/** The query that asks the transcoder for a plan's conversion (`device` names its profile). */
export function conversionQuery(plan: Pick<PlaybackPlan, 'transcode'>, device?: string, startSeconds?: number): string {
  if (!plan.transcode) return '';
  const parts = [`transcode=${plan.transcode}`];
  if (device) parts.push(`device=${encodeURIComponent(device)}`);
  if (startSeconds && startSeconds > 0) parts.push(`t=${Math.round(startSeconds * 1000) / 1000}`);
  return parts.join('&');
}
