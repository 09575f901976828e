/**
 * What ffprobe said about each torrent file, asked once: the cast plan (which TV plays what), the
 * transcode route (what to convert) and the DLNA listings (durations) all read the same answers.
 */
import type { TorrentSession } from '../core/engine.js';
import { probe, type ProbeResult } from './probe.js';
import { startSessionFileSource } from './source-server.js';

export const MAX_CACHED_PROBES = 100;

export class ProbeCache {
  readonly #ffprobePath: string;
  readonly #results = new Map<string, ProbeResult>();

  constructor(opts: { ffprobePath: string }) {
    this.#ffprobePath = opts.ffprobePath;
  }

  cached(infoHash: string, fileIndex: number): ProbeResult | undefined {
    return this.#results.get(`${infoHash}:${fileIndex}`);
  }

  /** Probes `url` (a source already serving the file) unless the answer is known. */
  async probeUrl(infoHash: string, fileIndex: number, url: string, signal?: AbortSignal): Promise<ProbeResult> {
    const known = this.cached(infoHash, fileIndex);
    if (known) return known;
    const result = await probe(url, { ffprobePath: this.#ffprobePath, ...(signal ? { signal } : {}) });
    if (this.#results.size >= MAX_CACHED_PROBES) this.#results.delete(this.#results.keys().next().value!);
    this.#results.set(`${infoHash}:${fileIndex}`, result);
    return result;
  }

  /** Probes a torrent file through a private loopback source that lives only for the probe. */
  async probeFile(session: TorrentSession, fileIndex: number, signal?: AbortSignal): Promise<ProbeResult> {
    const known = this.cached(session.infoHash, fileIndex);
    if (known) return known;
    const source = await startSessionFileSource(session, fileIndex);
    try {
      return await this.probeUrl(session.infoHash, fileIndex, source.url, signal);
    } finally {
      await source.close();
    }
  }
}
