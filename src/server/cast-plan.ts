/**
 * What to send a TV: the original file when it plays it, else a conversion of only what it cannot
 * play (issue 5: probe the first pieces, decide per device). The decision is pure (planCast); the
 * probe is the transcoder's, shared through its ProbeCache.
 */
import type { DeviceInfo, MediaSpec } from '@torrent-live/casting';
import type { TranscodeFormat } from '../config.js';
import type { EventBus } from '../events.js';
import { TorrentLiveError } from '../errors.js';
import { DEVICE_PROFILES, capabilitiesFromProtocolInfo, castProfileForModel, type DeviceCapabilities } from '../transcode/capabilities.js';
import { decisionFields, type Decision } from '../transcode/decide.js';
import { planPlayback } from '../transcode/playback.js';
import type { ProbeResult } from '../transcode/probe.js';
import type { ProbeCache } from '../transcode/probe-cache.js';
import { castMedia, type CastMediaOptions } from './cast-media.js';

export const CAST_PROBE_TIMEOUT_MS = 15_000;

/** A Chromecast by its mDNS model; a DLNA renderer by its GetProtocolInfo sink (a generic H.264/AAC MP4 player when unknown). */
export function capabilitiesFor(device: Pick<DeviceInfo, 'kind' | 'model' | 'sinkProtocols' | 'name'>): DeviceCapabilities {
  if (device.kind === 'chromecast') return castProfileForModel(device.model ?? '');
  const sink = (device.sinkProtocols ?? []).join(',');
  const caps = sink ? capabilitiesFromProtocolInfo(sink, device.name) : undefined;
  return caps && caps.formats.length ? caps : capabilitiesFromProtocolInfo('http-get:*:video/mp4:*', `${device.name} (no protocol list)`);
}

export interface CastPlan {
  transcode?: TranscodeFormat;
  /** The transcoder's named profile for `&device=`, when the device has one. */
  profile?: string;
  decision?: Decision;
}

/** The playback decision (src/transcode/playback.ts, the one every screen asks) for a TV. */
export function planCast(probed: ProbeResult | undefined, caps: DeviceCapabilities, requested?: TranscodeFormat): CastPlan {
  const profile = DEVICE_PROFILES[caps.id] ? caps.id : undefined;
  const plan = planPlayback(probed, caps, requested ? { requested } : {});
  return {
    ...(plan.transcode ? { transcode: plan.transcode, ...(profile ? { profile } : {}) } : {}),
    ...(plan.decision ? { decision: plan.decision } : {}),
  };
}

export function castMediaResolver(opts: CastMediaOptions & { probes: ProbeCache; bus: EventBus; capacityCheck?: (decision: Decision, probed: ProbeResult | undefined) => Promise<string | undefined> }) {
  const media = castMedia(opts);
  return async (infoHash: string, fileIndex: number, device: DeviceInfo, requested?: TranscodeFormat): Promise<MediaSpec> => {
    const session = opts.manager.session(infoHash);
    if (session && !session.isReady()) await session.ready;
    let probed: ProbeResult | undefined;
    try {
      if (!session) throw new Error('the torrent is not loaded');
      probed = await opts.probes.probeFile(session, fileIndex);
    } catch (err) {
      // Without ffprobe the original is the honest choice: the TV may still play it.
      opts.bus.emit('warning', { message: `could not probe ${infoHash}/${fileIndex} for ${device.name}: ${(err as Error).message}` });
    }
    const plan = planCast(probed, capabilitiesFor(device), requested);
    // Refused here, the viewer reads why in the remote; refused when the TV asks, the TV only shows "error".
    const refused = plan.decision && plan.transcode ? await opts.capacityCheck?.(plan.decision, probed) : undefined;
    if (refused) throw new TorrentLiveError('E_CAPACITY', `cannot cast torrent ${infoHash} file ${fileIndex} to ${device.name}: it needs a video conversion, and ${refused}`);
    if (plan.decision) {
      opts.bus.emit('transcode', { infoHash, fileIndex, device: device.name, startSeconds: 0, ...decisionFields(plan.decision) });
    }
    const spec = media(infoHash, fileIndex, device.address, plan.transcode, probed);
    return {
      ...spec,
      url: plan.transcode && plan.profile ? `${spec.url}&device=${plan.profile}` : spec.url,
      ...(probed?.durationSeconds ? { durationSeconds: probed.durationSeconds } : {}),
    };
  };
}
