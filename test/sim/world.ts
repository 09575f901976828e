/** A loopback world: a DHT and seeders around fixtures, each seeder on its own 127.<seederBlock>.0.x. */
import { startDhtNetwork, type DhtNetwork } from './dht-network.js';
import { removeFixture, type TorrentFixture } from './fixtures.js';
import { startSeeder, type Seeder } from './seeder.js';

export interface World {
  dht: DhtNetwork;
  seeders: Seeder[];
  close(): Promise<void>;
}

export interface WorldOptions {
  dhtSize?: number;
  fixtures: TorrentFixture[];
  seeders?: number;
  blockDelayMs?: number;
  /** Each seeder's uplink per connection: what slows a download down (a per-block delay hardly does). */
  rateBytesPerSec?: number;
  keepFixtures?: boolean;
  /** Second octet of the DHT nodes' addresses (default 10) and of the seeders' (default 20). */
  addressBlock?: number;
  seederBlock?: number;
  /** Each DHT node in its own /24, as on the real DHT (default: 250 nodes a /24). */
  spreadSubnets?: boolean;
  /** The bootstrap nodes store no announces, like the public routers. */
  routers?: boolean;
  /** Seeders announce to this many nodes closest to the infohash (libtorrent: 8). */
  announceClosest?: number;
}

export async function startWorld(opts: WorldOptions): Promise<World> {
  const dht = await startDhtNetwork({ size: opts.dhtSize ?? 60, addressBlock: opts.addressBlock ?? 10, ...(opts.spreadSubnets ? { spreadSubnets: true } : {}), ...(opts.routers ? { routers: true } : {}) });
  const seeders: Seeder[] = [];
  try {
    for (let i = 0; i < (opts.seeders ?? 1); i++) {
      seeders.push(await startSeeder({ host: `127.${opts.seederBlock ?? 20}.0.${i + 1}`, fixtures: opts.fixtures, bootstrap: dht.bootstrap, ...(opts.blockDelayMs ? { blockDelayMs: opts.blockDelayMs } : {}), ...(opts.announceClosest ? { announceClosest: opts.announceClosest } : {}), ...(opts.rateBytesPerSec ? { behaviour: { rateBytesPerSec: opts.rateBytesPerSec } } : {}) }));
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
