/** A loopback world: a DHT and seeders around fixtures, each seeder on its own 127.20.0.x. */
import { startDhtNetwork, type DhtNetwork } from './dht-network.js';
import { removeFixture, type TorrentFixture } from './fixtures.js';
import { startSeeder, type Seeder } from './seeder.js';

export interface World {
  dht: DhtNetwork;
  seeders: Seeder[];
  close(): Promise<void>;
}

export async function startWorld(opts: {
  dhtSize?: number;
  fixtures: TorrentFixture[];
  seeders?: number;
  blockDelayMs?: number;
  /** Each seeder's uplink per connection: what slows a download down (a per-block delay hardly does). */
  rateBytesPerSec?: number;
  keepFixtures?: boolean;
}): Promise<World> {
  const dht = await startDhtNetwork({ size: opts.dhtSize ?? 60 });
  const seeders: Seeder[] = [];
  try {
    for (let i = 0; i < (opts.seeders ?? 1); i++) {
      seeders.push(await startSeeder({ host: `127.20.0.${i + 1}`, fixtures: opts.fixtures, bootstrap: dht.bootstrap, ...(opts.blockDelayMs ? { blockDelayMs: opts.blockDelayMs } : {}), ...(opts.rateBytesPerSec ? { behaviour: { rateBytesPerSec: opts.rateBytesPerSec } } : {}) }));
    }
  } catch (err) {
    // A seeder that could not start (address taken): close what did, so the test can exit.
    await Promise.allSettled(seeders.map((s) => s.close()));
    await dht.close();
    throw err;
  }
  return {
    dht,
    seeders,
    close: async () => {
      await Promise.all(seeders.map((s) => s.close()));
      await dht.close();
      if (!opts.keepFixtures) opts.fixtures.forEach(removeFixture);
    },
  };
}
