/**
 * `torrent-live <source> findspiesonly`: hunt spies around each torrent's neighbourhood on a
 * schedule and grow spies.txt / spies.p2p in the store. It never asks for the real infohash's
 * peers, so no peer is contacted and nothing is downloaded. All hunts share one DHT socket and
 * one spy list, so their findings never overwrite each other.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import type { TorrentSource } from '../core/sources.js';
import { EventBus } from '../events.js';
import { findSpiesOnly } from '../privacy/find-spies-only.js';
import { PrivateLookupPeerSource, REWALK_INTERVAL_MS } from '../privacy/private-lookup.js';
import { lookupOptions } from '../privacy/setup.js';
import { SPIES_P2P, SPIES_TXT } from '../privacy/spy-files.js';
import { openConfiguredRoute } from '../route/index.js';

export async function runFindSpiesOnly(
  config: Readonly<Config>,
  sources: readonly TorrentSource[],
  io: { stdout: NodeJS.WritableStream; untilStopped: Promise<void>; intervalMs?: number },
): Promise<void> {
  const storeDir = path.resolve(config.storeDir);
  const bus = new EventBus();
  const route = await openConfiguredRoute(config, (message) => bus.emit('warning', { message }));
  const { options, ranges } = await lookupOptions({ ...config, storeDir, openUdp: route.openUdp, noLocalDns: route.noLocalDns }, bus).catch(async (err: unknown) => {
    await route.close();
    throw err;
  });
  fs.mkdirSync(storeDir, { recursive: true });
  const say = (line: string) => {
    if (!config.json) io.stdout.write(`${line}\n`);
  };
  const unsubscribe = bus.subscribe((e) => {
    if (config.json) io.stdout.write(`${JSON.stringify(e)}\n`);
    else if (e.event === 'spy') say(`spy: ${e.ip}${e.port ? `:${e.port}` : ''} (${e.reason})`);
    else if (e.event === 'warning') say(`warning: ${e.message}`);
    else if (e.event === 'route') say(`route: ${e.label}${e.blocked ? ` (blocked: ${e.message ?? ''})` : ''}`);
  });
  const offRoute = route.onChange((status) => bus.emit('route', status));
  bus.emit('route', route.status());
  const source = new PrivateLookupPeerSource(options);
  const intervalMs = io.intervalMs ?? REWALK_INTERVAL_MS;
  say(`findspiesonly: hunting around ${sources.length} torrent(s) every ${Math.round(intervalMs / 1000)} s; no peer is contacted, nothing is downloaded${ranges ? `; ${ranges} blocklist ranges loaded` : ''}`);
  const hunts = sources.map((s) =>
    findSpiesOnly(s.infoHash, {
      ...options,
      source,
      intervalMs,
      onRound: (n) => say(`round done: ${source.watch.registry.active().length} spies active (round ${n} around ${s.infoHash}); lists: ${path.join(storeDir, SPIES_TXT)}, ${path.join(storeDir, SPIES_P2P)}`),
    }),
  );
  await io.untilStopped;
  await Promise.all(hunts.map((h) => h.stop()));
  await source.close();
  offRoute();
  await route.close();
  say(`stopped; ${source.watch.registry.active().length} spies kept in ${path.join(storeDir, SPIES_TXT)}`);
  unsubscribe();
}
