/**
 * Probes a torrent's videos in the background when its metadata arrives, so DLNA browsing shows
 * durations before anything was cast or converted. After a short delay (viewers first), one probe
 * at a time, the largest videos of a torrent first and at most a few of them (a 50,000-file
 * torrent gets a handful, not 50,000), stopped at close. Without ffprobe it says so once and stops.
 */
import type { EventBus } from '../events.js';
import type { TorrentManager } from '../core/torrent-manager.js';
import { isVideoName } from '../core/torrent-manager.js';
import type { ProbeCache } from '../transcode/probe-cache.js';

export const BACKGROUND_PROBES_PER_TORRENT = 4;
/**
 * How long after its metadata a torrent is left to its viewers before the probes ask for pieces:
 * a player that opens the file (or seeks far into it) at once must get its pieces first.
 */
export const BACKGROUND_PROBE_DELAY_MS = 3_000;

export interface BackgroundProber {
  close(): Promise<void>;
}

export function startBackgroundProbes(opts: { bus: EventBus; manager: TorrentManager; probes: ProbeCache }): BackgroundProber {
  const queue: Array<{ infoHash: string; fileIndex: number }> = [];
  const stop = new AbortController();
  let running: Promise<void> | undefined;
  let gaveUp = false;
  const timers = new Set<NodeJS.Timeout>();

  const drain = async (): Promise<void> => {
    for (let next = queue.shift(); next && !stop.signal.aborted && !gaveUp; next = queue.shift()) {
      const session = opts.manager.session(next.infoHash);
      if (!session) continue;
      try {
        await opts.probes.probeFile(session, next.fileIndex, stop.signal);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || /ENOENT|not found/i.test(String(err))) {
          gaveUp = true;
          opts.bus.emit('warning', { message: 'ffprobe is not installed: DLNA listings show no durations until a file is cast or converted', code: 'E_NO_FFMPEG' });
        }
        // Any other failure (a file that is not really a video) just leaves that duration unknown.
      }
    }
    running = undefined;
  };

  const unsubscribe = opts.bus.subscribe((event) => {
    if (event.event !== 'metadata' || gaveUp) return;
    const videos = event.files.filter((f) => isVideoName(f.name));
    // Only the largest few: sorting a copy of the videos is linear enough, and bounded work follows.
    const chosen = videos.length <= BACKGROUND_PROBES_PER_TORRENT ? videos : [...videos].sort((a, b) => b.length - a.length).slice(0, BACKGROUND_PROBES_PER_TORRENT);
    const timer = setTimeout(() => {
      timers.delete(timer);
      for (const f of chosen) queue.push({ infoHash: event.infoHash, fileIndex: f.index });
      running ??= drain();
    }, BACKGROUND_PROBE_DELAY_MS);
    timer.unref();
    timers.add(timer);
  });

  return {
    close: async () => {
      unsubscribe();
      timers.forEach(clearTimeout);
      queue.length = 0;
      stop.abort();
      await running;
    },
  };
}
