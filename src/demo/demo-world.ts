/**
 * The demo's loopback swarm: a small DHT on 127.77.0.x and two fast seeders sharing the bundled
 * sample video (assets/sample.mp4, made by scripts/make-sample.sh), so `torrent-live demo`
 * streams with no network at all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startDhtNetwork } from './loopback-dht.js';
import { startSeeder, type Seeder } from './fast-seeder.js';
import { makeFixture, removeFixture } from './torrent-fixture.js';
import type { TorrentSource } from '../core/sources.js';
import { PACKAGE_ROOT } from '../package-root.js';

export const SAMPLE_VIDEO = path.join(PACKAGE_ROOT, 'assets/sample.mp4');
const DEMO_DHT_SIZE = 40;
const DEMO_SEEDERS = 2;
// About 5 s for the whole sample (3x its bitrate): it plays at once and the progress line moves.
const DEMO_BLOCK_DELAY_MS = 500;

export interface DemoWorld {
  bootstrap: string[];
  source: TorrentSource;
  name: string;
  infoHash: string;
  dhtSize: number;
  seeders: number;
  close(): Promise<void>;
}

export async function startDemoWorld(): Promise<DemoWorld> {
  const bytes = fs.readFileSync(SAMPLE_VIDEO);
  const fixture = await makeFixture({ name: 'torrent-live-sample.mp4', files: [{ name: 'torrent-live-sample.mp4', length: bytes.length }], contents: [bytes], pieceLength: 64 * 1024 });
  const dht = await startDhtNetwork({ size: DEMO_DHT_SIZE, addressBlock: 77 });
  const seeders: Seeder[] = [];
  for (let i = 0; i < DEMO_SEEDERS; i++) {
    seeders.push(await startSeeder({ host: `127.78.0.${i + 1}`, fixtures: [fixture], bootstrap: dht.bootstrap, blockDelayMs: DEMO_BLOCK_DELAY_MS }));
  }
  return {
    bootstrap: dht.bootstrap,
    // Only the infohash: metadata comes from the seeders over ut_metadata, as for a real magnet.
    source: { kind: 'magnet', infoHash: fixture.infoHash, original: fixture.magnet },
    name: fixture.name,
    infoHash: fixture.infoHash,
    dhtSize: DEMO_DHT_SIZE,
    seeders: DEMO_SEEDERS,
    close: async () => {
      await Promise.all(seeders.map((s) => s.close()));
      await dht.close();
      removeFixture(fixture);
    },
  };
}
