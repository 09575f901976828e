/**
 * `torrent-live <source> findspiesonly`: walk the torrent's neighbourhood with decoys on a
 * schedule, grow spies.txt / spies.p2p, and never ask anyone for the real infohash's peers (so
 * nothing is downloaded and no peer is contacted).
 */
import { PrivateLookupPeerSource, REWALK_INTERVAL_MS, type PrivateLookupOptions } from './private-lookup.js';
import { sweep } from './sweep.js';
import { idFromHex } from './node-id.js';

export interface FindSpiesOnly {
  /** Resolves after each completed round; the first resolves after the first sweep. */
  rounds: number;
  firstRound: Promise<void>;
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

export function findSpiesOnly(
  infoHash: string,
  opts: PrivateLookupOptions & {
    intervalMs?: number;
    /** Several hunts share one socket and one spy list. */
    source?: PrivateLookupPeerSource;
    /** After each completed round (progress for the CLI). */
    onRound?: (rounds: number) => void;
  },
): FindSpiesOnly {
  const owned = !opts.source;
  const source = opts.source ?? new PrivateLookupPeerSource(opts);
  const real = idFromHex(infoHash);
  let stopped = false;
  let running: Promise<void> | null = null;
  const state = { rounds: 0 };

  const round = async () => {
    const options = await source.sweepOptions(real, false);
    const result = await sweep(options);
    const fresh = source.watch.record(result.findings, infoHash);
    for (const s of result.suspicions) source.watch.suspect(s.ip, s.port, s.reason, infoHash, s.evidence);
    source.learn(result, fresh);
    await source.watch.retest(options.krpc, options.randomBytes);
    source.watch.persist();
    await source.watch.flush();
    state.rounds++;
    opts.onRound?.(state.rounds);
  };
  const runNow = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    running = (running ?? Promise.resolve()).then(round).catch((err: Error) => opts.bus?.emit('warning', { message: `findspiesonly: ${err.message}` }));
    return running;
  };
  const firstRound = runNow();
  const timer = setInterval(() => void runNow(), opts.intervalMs ?? opts.rewalkIntervalMs ?? REWALK_INTERVAL_MS);
  timer.unref();
  return {
    get rounds() { return state.rounds; },
    firstRound,
    runNow,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
      if (owned) await source.close();
    },
  };
}
