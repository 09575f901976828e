/**
 * The `<res>` elements of one DLNA item, and the headers its URLs answer with. Pure.
 *
 * A listing is read by every TV on the LAN alike, so each video offers two ways to play it, best
 * first: the original file (its real DLNA profile when the probe knows it) and, unless the probe
 * shows a plain DLNA TV plays the original, a conversion to H.264/AAC MP4 for the `dlna-tv`
 * profile, with the profile that conversion really produces. A TV (or its control point) takes
 * the first whose protocolInfo matches its sink list; one without DTS is no longer left with only
 * a file it cannot play. The decision is the one every screen asks (src/transcode/playback.ts).
 */
import { dlnaStreamHeaders } from '@torrent-live/casting';
import type { DidlResource } from '@torrent-live/casting';
import { DEVICE_PROFILES } from '../transcode/capabilities.js';
import { convertedShape, dlnaFeaturesFor, dlnaProfileOf, protocolInfoOf } from '../transcode/dlna-profiles.js';
import { conversionQuery, planPlayback } from '../transcode/playback.js';
import type { ProbeResult } from '../transcode/probe.js';

/** The profile a listing's conversion is made for (`&device=dlna-tv`). */
export const DLNA_CONVERSION_DEVICE = 'dlna-tv';

export interface ItemMedia {
  /** The tokenised /stream URL of the original file. */
  url: string;
  mime: string;
  sizeBytes: number;
  durationSeconds?: number | undefined;
  probe: ProbeResult | undefined;
}

/** `url` with `query` appended (stream URLs carry `?st=` already, or not). */
export function withQuery(url: string, query: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

/** The original's DLNA profile: from the probe when there is one, from the MIME type otherwise. */
export function originalProfile(mime: string, probe: ProbeResult | undefined): string | undefined {
  return dlnaProfileOf(probe, mime);
}

export function itemResources(m: ItemMedia): DidlResource[] {
  const original: DidlResource = {
    url: m.url,
    contentType: m.mime,
    protocolInfo: protocolInfoOf(m.mime, originalProfile(m.mime, m.probe), 'original'),
    sizeBytes: m.sizeBytes,
    durationSeconds: m.durationSeconds,
  };
  if (!m.mime.toLowerCase().startsWith('video/')) return [original];
  const tv = DEVICE_PROFILES[DLNA_CONVERSION_DEVICE]!;
  // Nothing to add when a plain DLNA TV plays it, or when ffmpeg could not convert it anyway.
  if (m.probe && planPlayback(m.probe, tv).mode === 'original') return [original];
  const plan = planPlayback(m.probe, tv, { requested: 'mp4' });
  const pn = plan.decision && m.probe ? dlnaProfileOf(convertedShape(plan.decision, m.probe), 'video/mp4') : undefined;
  // No size: a conversion's length is known only at its end.
  const converted: DidlResource = {
    url: withQuery(m.url, conversionQuery(plan, DLNA_CONVERSION_DEVICE)),
    contentType: 'video/mp4',
    protocolInfo: protocolInfoOf('video/mp4', pn, 'converted'),
    durationSeconds: m.durationSeconds,
  };
  return [original, converted];
}

/**
 * transferMode/contentFeatures for the original file's URL: the same fourth field its `<res>`
 * carries, so a renderer that compares them sees one claim. CaptionInfo.sec names a WebVTT track
 * for renderers that ask (`getcaptioninfo.sec: 1`).
 */
export function originalStreamHeaders(mime: string, probe: ProbeResult | undefined, opts: { subtitleUrl?: string } = {}): Record<string, string> {
  const t = mime.split(';')[0]!.trim().toLowerCase();
  // Images and text keep the library's interactive flags; only media has a profile to refine.
  if (!t.startsWith('video/') && !t.startsWith('audio/')) return dlnaStreamHeaders(mime, opts);
  return { ...dlnaStreamHeaders(mime, opts), 'contentFeatures.dlna.org': dlnaFeaturesFor(originalProfile(mime, probe), 'original') };
}
