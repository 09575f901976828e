/**
 * The swarm for the route tests, run as its own process inside the world's network namespace
 * (test/sim/route-netns.ts): a DHT of bittorrent-dht nodes and fast seeders on 10.200.100.x /
 * 10.200.101.x (a local route on that namespace's lo makes the whole block bindable). It prints
 * one JSON line {bootstrap, infoHash, magnet, length} and runs until stdin closes.
 *   node --import tsx test/sim/route-world.ts <megabytes> <seed> <bytes/s per seeder connection, 0: unlimited>
 */
import { startDhtNetwork } from '../../src/demo/loopback-dht.js';
import { startSeeder } from '../../src/demo/fast-seeder.js';
import { makeFixture, pseudoRandomBytes, removeFixture } from '../../src/demo/torrent-fixture.js';

const megabytes = Number(process.argv[2] ?? 4);
const seed = Number(process.argv[3] ?? 7);
const rate = Number(process.argv[4] ?? 0);
const length = Math.round(megabytes * 1024 * 1024);
const fixture = await makeFixture({ name: 'route-test.bin', files: [{ name: 'route-test.bin', length }], contents: [pseudoRandomBytes(length, seed)], pieceLength: 256 * 1024 });
const dht = await startDhtNetwork({ size: 24, address: (n) => `10.200.100.${n + 1}` });
const seeders = await Promise.all([1, 2].map((i) => startSeeder({ host: `10.200.101.${i}`, fixtures: [fixture], bootstrap: dht.bootstrap, behaviour: rate > 0 ? { rateBytesPerSec: rate } : {} })));
process.stdout.write(`${JSON.stringify({ bootstrap: dht.bootstrap, infoHash: fixture.infoHash, magnet: fixture.magnet, length })}\n`);
const stop = async (): Promise<void> => {
  await Promise.all(seeders.map((s) => s.close()));
  await dht.close();
  removeFixture(fixture);
  process.exit(0);
};
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
process.on('SIGTERM', () => void stop());
