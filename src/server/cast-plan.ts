/**
 * What to send a TV: the original file when it plays it, else a conversion of only what it cannot
 * play (issue 5: probe the first pieces, decide per device). The decision is pure (planCast); the
 * probe reads the torrent file through the transcoder's private loopback source.
 */
import type { DeviceInfo, MediaSpec } from '../../casting/src/index.js';
import type { TranscodeFormat } from '../config.js';
import type { TorrentManager } from '../core/torrent-manager.js';
import type { EventBus } from '../events.js';
import { DEVICE_PROFILES, capabilitiesFromProtocolInfo, castProfileForModel, type DeviceCapabilities } from '../transcode/capabilities.js';
import { decide, type Decision } from '../transcode/decide.js';
import { probe, type ProbeResult } from '../transcode/probe.js';
import { startSourceServer } from '../transcode/source-server.js';
import { defaultFfprobePath } from '../transcode/transcode-route.js';
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

export function planCast(probed: ProbeResult | undefined, caps: DeviceCapabilities, requested?: TranscodeFormat): CastPlan {
  const profile = DEVICE_PROFILES[caps.id] ? caps.id : undefined;
  const withProfile = profile ? { profile } : {};
  if (!probed) return requested ? { transcode: requested, ...withProfile } : {};
  const decision = decide(probed, caps, requested ? { container: requested } : {});
  if (decision.action === 'original' && !requested) return { decision };
  return { transcode: decision.container, decision, ...withProfile };
}

export async function probeTorrentFile(manager: TorrentManager, infoHash: string, fileIndex: number, ffprobePath: string): Promise<ProbeResult> {
  const session = manager.session(infoHash);
  const file = session?.files[fileIndex];
  if (!session || !file) throw new Error(`no file ${fileIndex} in torrent ${infoHash}`);
  const source = await startSourceServer({ name: file.name, length: file.length, createReadStream: (range) => session.createReadStream(fileIndex, range) });
  try {
    return await probe(source.url, { ffprobePath, timeoutMs: CAST_PROBE_TIMEOUT_MS });
  } finally {
    await source.close();
  }
}

export function castMediaResolver(opts: CastMediaOptions & { ffmpegPath?: string | undefined; bus: EventBus; onProbe?: (infoHash: string, fileIndex: number, probed: ProbeResult) => void }) {
  const media = castMedia(opts);
  const ffprobePath = defaultFfprobePath(opts.ffmpegPath ?? 'ffmpeg');
  return async (infoHash: string, fileIndex: number, device: DeviceInfo, requested?: TranscodeFormat): Promise<MediaSpec> => {
    const session = opts.manager.session(infoHash);
    if (session && !session.isReady()) await session.ready;
    let probed: ProbeResult | undefined;
    try {
      probed = await probeTorrentFile(opts.manager, infoHash, fileIndex, ffprobePath);
      opts.onProbe?.(infoHash, fileIndex, probed);
    } catch (err) {
      // Without ffprobe the original is the honest choice: the TV may still play it.
      opts.bus.emit('warning', { message: `could not probe ${infoHash}/${fileIndex} for ${device.name}: ${(err as Error).message}` });
    }
    const plan = planCast(probed, capabilitiesFor(device), requested);
    if (plan.decision) {
      const d = plan.decision;
      opts.bus.emit('transcode', { infoHash, fileIndex, device: device.name, startSeconds: 0, action: d.action, container: d.container, video: d.video, audio: d.audio, reason: d.reason });
    }
    const spec = media(infoHash, fileIndex, device.address, plan.transcode);
    return {
      ...spec,
      url: plan.transcode && plan.profile ? `${spec.url}&device=${plan.profile}` : spec.url,
      ...(probed?.durationSeconds ? { durationSeconds: probed.durationSeconds } : {}),
    };
  };
}
