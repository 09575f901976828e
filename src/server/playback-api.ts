/**
 * POST /api/playback: the web player asks what to play. The page sends what its browser decodes
 * (`abilities`, measured with canPlayType); the server probes the file (the shared ProbeCache) and
 * answers with the one playback decision (src/transcode/playback.ts): the URL to load, how to seek
 * it, the real duration and the tracks. A browser that cannot decode AC-3 or DTS gets an
 * audio-only conversion instead of a silent picture.
 *
 * POST because the report is a body, not because anything changes; the CSRF check treats it like
 * any other API write, which the page passes as it is same-origin.
 */
import express from 'express';
import type { TorrentManager } from '../core/torrent-manager.js';
import { mimeFor } from '../core/torrent-manager.js';
import { capabilitiesFromBrowser, parseBrowserAbilities } from '../transcode/browser-abilities.js';
import { decisionFields } from '../transcode/decide.js';
import { conversionQuery, planPlayback, type PlaybackMode } from '../transcode/playback.js';
import type { ProbeCache } from '../transcode/probe-cache.js';
import type { ProbedAudio, ProbeResult } from '../transcode/probe.js';
import { sendJsonError } from './json-error.js';
import { subtitleOffers } from './subtitle-offers.js';

export const PLAYBACK_PROBE_TIMEOUT_MS = 15_000;
const BODY_LIMIT = '16kb';

/** A subtitle the page can put in a <track>: a same-origin WebVTT URL. */
export interface PlaybackSubtitle {
  url: string;
  language: string;
  label: string;
  source: 'embedded' | 'file';
}

export interface PlaybackAnswer {
  infoHash: string;
  fileIndex: number;
  mode: PlaybackMode;
  reason: string;
  /** Relative to the page's origin. */
  url: string;
  contentType: string;
  /** native: the player seeks with Range; restart: load `url` again with `&t=<seconds>`. */
  seek: 'native' | 'restart';
  durationSeconds?: number;
  decision?: ReturnType<typeof decisionFields>;
  audioTracks: ProbedAudio[];
  subtitles: PlaybackSubtitle[];
}

export interface PlaybackApiOptions {
  manager: TorrentManager;
  probes: ProbeCache;
  probeTimeoutMs?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function playbackRouter(opts: PlaybackApiOptions): express.Router {
  const router = express.Router();
  router.post('/api/playback', express.json({ limit: BODY_LIMIT }), async (req, res) => {
    const body: unknown = req.body;
    const { infoHash, fileIndex, abilities } = isRecord(body) ? body : {};
    if (typeof infoHash !== 'string' || !/^[0-9a-fA-F]{40}$/.test(infoHash) || typeof fileIndex !== 'number' || !Number.isInteger(fileIndex) || fileIndex < 0) {
      return sendJsonError(res, 'E_BAD_ARGUMENT', 'send {"infoHash": "<40 hex>", "fileIndex": <n>, "abilities": {"formats": [...]}}');
    }
    const parsed = parseBrowserAbilities(abilities);
    if (!parsed.ok) return sendJsonError(res, 'E_BAD_ARGUMENT', parsed.message);
    const session = opts.manager.session(infoHash.toLowerCase());
    const file = session?.isReady() ? session.files[fileIndex] : undefined;
    if (!session || !file) return sendJsonError(res, 'E_NOT_FOUND', `torrent ${infoHash} has no file ${fileIndex} (or its metadata has not arrived yet)`);

    // The probe reads the file's first pieces; a client that leaves, or a swarm that does not
    // deliver them in time, ends it (the answer is then the original, said so in `reason`).
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    const signal = AbortSignal.any([gone.signal, AbortSignal.timeout(opts.probeTimeoutMs ?? PLAYBACK_PROBE_TIMEOUT_MS)]);
    let probe: ProbeResult | undefined;
    let probeError: string | undefined;
    try {
      probe = await opts.probes.probeFile(session, fileIndex, signal);
    } catch (err) {
      if (gone.signal.aborted) return;
      probeError = signal.aborted ? `no answer within ${(opts.probeTimeoutMs ?? PLAYBACK_PROBE_TIMEOUT_MS) / 1000} s` : (err as Error).message.slice(0, 200);
    }
    const plan = planPlayback(probe, capabilitiesFromBrowser(parsed.value), probeError ? { probeError } : {});
    const base = `/stream/${session.infoHash}/${fileIndex}`;
    const query = conversionQuery(plan, 'browser');
    const answer: PlaybackAnswer = {
      infoHash: session.infoHash,
      fileIndex,
      mode: plan.mode,
      reason: plan.reason,
      url: query ? `${base}?${query}` : base,
      contentType: plan.transcode ? (plan.transcode === 'mp4' ? 'video/mp4' : 'video/webm') : mimeFor(file.name),
      seek: plan.transcode ? 'restart' : 'native',
      ...(probe?.durationSeconds ? { durationSeconds: probe.durationSeconds } : {}),
      ...(plan.decision ? { decision: decisionFields(plan.decision) } : {}),
      audioTracks: probe?.audioTracks ?? [],
      // Same origin as the page: <track> needs no CORS, and the page's cookie opens them.
      subtitles: subtitleOffers(session.files, fileIndex, probe).map((o) => ({ url: `/stream/${session.infoHash}/${o.fileIndex}?${o.query}`, language: o.language, label: o.label, source: o.source })),
    };
    res.set('Cache-Control', 'no-store').json(answer);
  });
  return router;
}
