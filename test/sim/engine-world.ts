/**
 * The engine alone on loopback: a TorrentSession fed by a StaticPeerSource, seeders with chosen
 * behaviours (honest, silent, corrupt, choking, rate-capped) on their own 127.4x addresses, and
 * helpers to read a range and record every event.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TorrentSession } from '../../src/core/engine.js';
import { EventBus, type AppEvent } from '../../src/events.js';
import { startSeeder, type Seeder, type SeederBehaviour } from './seeder.js';
import { StaticPeerSession } from './static-peers.js';
import type { TorrentFixture } from './fixtures.js';
import type { PeerAddress } from '../../src/privacy/peer-source.js';
import type { EncryptionPolicy } from '../../src/transport/dial-plan.js';
import type { Transport } from '../../src/transport/transport.js';

export interface EngineWorld {
  session: TorrentSession;
  peers: StaticPeerSession;
  seeders: Seeder[];
  events: AppEvent[];
  dataDir: string;
  read(fileIndex: number, range?: { start: number; end: number }): Promise<Buffer>;
  close(opts?: { keepData?: boolean }): Promise<void>;
}

export async function startEngineWorld(opts: {
  fixture: TorrentFixture;
  /** One seeder per entry, on 127.<hostByte>.0.(i+1). */
  seeders: SeederBehaviour[];
  hostByte?: number;
  dataDir?: string;
  withTorrentFile?: boolean;
  noPiecesTimeoutMs?: number;
  /** Handed to the engine before the seeders (dead, hostile or other peers of the test's making). */
  otherPeers?: PeerAddress[];
  /** Seeders are handed first (default: after otherPeers, so dead peers are dialled first). */
  seedersFirst?: boolean;
  transports?: Transport[];
  encryption?: EncryptionPolicy;
}): Promise<EngineWorld> {
  const hostByte = opts.hostByte ?? 40;
  const seeders: Seeder[] = [];
  for (const [i, behaviour] of opts.seeders.entries()) seeders.push(await startSeeder({ host: `127.${hostByte}.0.${i + 1}`, fixtures: [opts.fixture], behaviour }));
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tl-engine-'));
  const bus = new EventBus();
  const events: AppEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const seederPeers = seeders.map((s) => ({ host: s.host, port: s.port }));
  const others = opts.otherPeers ?? [];
  const peers = new StaticPeerSession(opts.seedersFirst ? [...seederPeers, ...others] : [...others, ...seederPeers]);
  const session = new TorrentSession({
    infoHash: opts.fixture.infoHash,
    ...(opts.withTorrentFile === false ? {} : { torrentFile: opts.fixture.torrentFile }),
    dataDir: path.join(dataDir, 'data'),
    metadataDir: path.join(dataDir, 'meta'),
    maxPeers: 20,
    freerider: true,
    peers,
    bus,
    noPiecesTimeoutMs: opts.noPiecesTimeoutMs ?? 60_000,
    bindAddress: `127.${hostByte}.1.1`,
    ...(opts.transports ? { transports: opts.transports } : {}),
    ...(opts.encryption ? { encryption: opts.encryption } : {}),
  });
  const read = async (fileIndex: number, range?: { start: number; end: number }) => {
    await session.ready;
    const chunks: Buffer[] = [];
    for await (const c of session.createReadStream(fileIndex, range)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  return {
    session,
    peers,
    seeders,
    events,
    dataDir,
    read,
    close: async (o) => {
      await session.destroy();
      await Promise.all(seeders.map((s) => s.close()));
      if (!o?.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
