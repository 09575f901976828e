/**
 * Copy, remux or transcode: the least work that makes a file playable on a device. Pure: the
 * probe and the device's capability table in, a decision with a human reason out.
 */
import type { DeviceCapabilities, FormatSupport, OutputContainer, VideoSupport } from './capabilities.js';
import type { ProbeResult } from './probe.js';

export interface Decision {
  /** original: the plain file plays as is; remux: only the container changes; transcode: re-encode. */
  action: 'original' | 'remux' | 'transcode';
  container: OutputContainer;
  video: 'copy' | 'h264' | 'vp8' | 'vp9';
  audio: 'copy' | 'aac' | 'opus' | 'none';
  reason: string;
  /** Output height when the source is larger than the device decodes. */
  scaleHeight?: number;
}

/** The decision as the `transcode` event and logs carry it. */
export function decisionFields(d: Decision): Pick<Decision, 'action' | 'container' | 'video' | 'audio' | 'reason'> {
  return { action: d.action, container: d.container, video: d.video, audio: d.audio, reason: d.reason };
}

type Probed = Pick<ProbeResult, 'container' | 'video' | 'audio'>;

/** What we encode to, per output container, when the device lists no format for it. */
const FALLBACK_FORMAT: Record<OutputContainer, FormatSupport> = {
  mp4: { container: 'mp4', video: [{ codec: 'h264', maxWidth: 1920, maxHeight: 1080 }], audio: ['aac'] },
  webm: { container: 'webm', video: [{ codec: 'vp8', maxWidth: 1920, maxHeight: 1080 }], audio: ['opus'] },
};

function videoSupport(v: NonNullable<Probed['video']>, support: VideoSupport): boolean {
  if (support.codec !== v.codec) return false;
  if (v.width > support.maxWidth || v.height > support.maxHeight) return false;
  if (v.profile && support.excludedProfiles?.includes(v.profile)) return false;
  if (v.pixFmt && support.pixFmts && !support.pixFmts.includes(v.pixFmt)) return false;
  return true;
}

/** Why a stream does not fit a format, or undefined when it does. */
function videoMisfit(p: Probed, f: FormatSupport): string | undefined {
  const v = p.video;
  if (!v || f.video.some((s) => videoSupport(v, s))) return undefined;
  const sameCodec = f.video.filter((s) => s.codec === v.codec);
  if (sameCodec.length === 0) return `${v.codec} video`;
  if (sameCodec.every((s) => v.width > s.maxWidth || v.height > s.maxHeight)) return `${v.codec} video at ${v.width}x${v.height}`;
  return `${v.codec} video (${[v.profile, v.pixFmt].filter(Boolean).join(', ')})`;
}

function audioMisfit(p: Probed, f: FormatSupport): string | undefined {
  return !p.audio || f.audio.includes(p.audio.codec) ? undefined : `${p.audio.codec} audio`;
}

function even(n: number): number {
  return Math.max(2, Math.floor(n / 2) * 2);
}

/** The height that makes the source fit the encoder's limits, or undefined if it already fits. */
function scaleFor(p: Probed, limit: VideoSupport | undefined): number | undefined {
  const v = p.video;
  if (!v || !limit || v.height <= 0 || v.width <= 0) return undefined;
  if (v.width <= limit.maxWidth && v.height <= limit.maxHeight) return undefined;
  return even(Math.min(limit.maxHeight, (v.height * limit.maxWidth) / v.width));
}

/**
 * `opts.container` is what the URL asked for (`?transcode=mp4|webm`): then the output is that
 * container, and "original" only when the file already is one the device plays.
 */
export function decide(probe: Probed, caps: DeviceCapabilities, opts: { container?: OutputContainer } = {}): Decision {
  const formatFor = (c: string): FormatSupport | undefined => caps.formats.find((f) => f.container === c);
  const source = formatFor(probe.container);
  const sourceMisfits = source ? [videoMisfit(probe, source), audioMisfit(probe, source)].filter((m): m is string => !!m) : [];
  const original = source !== undefined && sourceMisfits.length === 0;
  const wanted = opts.container ?? (caps.outputs[0] ?? 'mp4');
  const streams = `${probe.video?.codec ?? 'no'} video, ${probe.audio?.codec ?? 'no'} audio`;
  // Without a wish, a file the device plays as is needs nothing from us (container then says what
  // a ?transcode= URL would produce for a caller that wants one anyway).
  if (original && !opts.container) {
    return { action: 'original', container: wanted, video: 'copy', audio: probe.audio ? 'copy' : 'none', reason: `${caps.label} plays ${probe.container} with ${streams} as is` };
  }
  // A conversion was asked for a file that plays as is: ffmpeg still runs and rewrites the
  // container (fragmented, no index), so it is a remux, and the header must say so.
  if (original && probe.container === opts.container) {
    return { action: 'remux', container: opts.container, video: 'copy', audio: probe.audio ? 'copy' : 'none', reason: `${caps.label} plays ${probe.container} with ${streams} as is; a conversion was asked, so the streams are copied into a streamable ${opts.container}` };
  }
  const candidates: OutputContainer[] = opts.container ? [opts.container] : caps.outputs.length ? caps.outputs : ['mp4'];
  for (const out of candidates) {
    const f = formatFor(out);
    if (f && !videoMisfit(probe, f) && !audioMisfit(probe, f)) {
      const why = original ? `${caps.label} plays the ${probe.container} file, and ${out} was asked for` : source ? `${caps.label} plays ${streams} but not in ${probe.container}` : `${caps.label} does not play ${probe.container} files`;
      return { action: 'remux', container: out, video: 'copy', audio: probe.audio ? 'copy' : 'none', reason: `${why}; copying the streams into ${out}` };
    }
  }
  const out = candidates[0]!;
  const f = formatFor(out) ?? FALLBACK_FORMAT[out];
  const vMisfit = videoMisfit(probe, f);
  const aMisfit = audioMisfit(probe, f);
  if (!vMisfit && !aMisfit) {
    return { action: 'remux', container: out, video: 'copy', audio: probe.audio ? 'copy' : 'none', reason: `${caps.label} lists no ${out} format; copying ${streams} into ${out}, the closest we can produce` };
  }
  const encoder = out === 'mp4' ? 'h264' : caps.webmVideo;
  const video: Decision['video'] = vMisfit ? encoder : 'copy';
  const audio: Decision['audio'] = !probe.audio ? 'none' : aMisfit ? (out === 'mp4' ? 'aac' : 'opus') : 'copy';
  const limit = f.video.find((s) => s.codec === encoder) ?? FALLBACK_FORMAT[out].video[0];
  const scaleHeight = video === 'copy' ? undefined : scaleFor(probe, limit);
  const misfits = [vMisfit, aMisfit].filter((m): m is string => !!m);
  const converted = [video !== 'copy' ? `video to ${video}${scaleHeight ? ` at ${scaleHeight}p` : ''}` : '', audio !== 'copy' && audio !== 'none' ? `audio to ${audio}` : ''].filter(Boolean);
  const copied = [video === 'copy' && probe.video ? 'video' : '', audio === 'copy' ? 'audio' : ''].filter(Boolean);
  return {
    action: 'transcode',
    container: out,
    video,
    audio,
    reason: `${caps.label} cannot play ${misfits.join(' or ')} in ${out}; converting ${converted.join(' and ')}${copied.length ? `, copying ${copied.join(' and ')}` : ''}`,
    ...(scaleHeight ? { scaleHeight } : {}),
  };
}

/** When ffprobe could not tell (missing, timed out): convert everything, the one safe choice. */
export function decideWithoutProbe(caps: DeviceCapabilities, container: OutputContainer, why: string): Decision {
  return {
    action: 'transcode',
    container,
    video: container === 'mp4' ? 'h264' : caps.webmVideo,
    audio: container === 'mp4' ? 'aac' : 'opus',
    reason: `the file could not be probed (${why}); converting video and audio`,
  };
}

/**
 * A picture subtitle drawn into the picture needs the video re-encoded whatever else fits: a copy
 * becomes a conversion, and the reason says which track is burnt in.
 */
export function withBurnIn(d: Decision, caps: Pick<DeviceCapabilities, 'webmVideo'>, track: { index: number; codec: string }): Decision {
  const burn = `burning subtitle track ${track.index} (${track.codec}) into the picture`;
  if (d.video !== 'copy') return { ...d, reason: `${d.reason}; ${burn}` };
  return { ...d, action: 'transcode', video: d.container === 'mp4' ? 'h264' : caps.webmVideo, reason: `${d.reason}; ${burn}, so the video is re-encoded` };
}
