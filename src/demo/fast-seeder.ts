/**
 * A fast seeder for the loopback world (the demo and test/sim), on bittorrent-protocol + ut_metadata: it unchokes as soon
 * as a peer is interested (many clients' seeding waits for a 10 s rechoke), serves metadata
 * and pieces from memory, and announces itself through a DHT node on its own address.
 */
import net from 'node:net';
import crypto from 'node:crypto';
import Wire from 'bittorrent-protocol';
import utMetadata from 'ut_metadata';
import BitField from 'bitfield';
import DHT from 'bittorrent-dht';
import type { TorrentFixture } from './torrent-fixture.js';

export interface Seeder {
  host: string;
  port: number;
  /** Blocks served, by piece index, across all connections. */
  blocksServed: number;
  bytesServed: number;
  connections: number;
  /** Cancel messages received (end-game and re-requests cancel duplicates). */
  cancelsReceived: number;
  /** Every remote address that completed a handshake. */
  peersSeen: Set<string>;
  /** Handshakes that came inside MSE with RC4 / in plaintext. */
  encryptedHandshakes: number;
  plaintextHandshakes: number;
  close(): Promise<void>;
}

export interface SeederOptions {
  host: string;
  fixtures: TorrentFixture[];
  /** DHT nodes (host:port) to announce through; no announce when empty. */
  bootstrap?: string[];
  /** Serve each block after this delay, to slow the swarm down in tests. */
  blockDelayMs?: number;
  /**
   * Announce to this many nodes closest to the infohash, as libtorrent does (8). Without it,
   * bittorrent-dht announces to every node its lookup heard from, far ones included.
   */
  announceClosest?: number;
  /** Hostile or constrained behaviour for tests and benchmarks (default: an honest, fast seeder). */
  behaviour?: SeederBehaviour;
}

export interface SeederBehaviour {
  /** Unchoke and announce every piece, but never send a block (monitoring peers do this). */
  silent?: boolean;
  /** Flip bits in every block served (anti-piracy poisoning). */
  corrupt?: boolean;
  /** Choke a connection after serving this many blocks on it (mid-piece), unchoke 1 s later. */
  chokeAfterBlocks?: number;
  /** Offer BEP 6, the fast extension (reject, have-all). */
  fast?: boolean;
  /** Serve blocks one after another at this many bytes per second per connection. */
  rateBytesPerSec?: number;
  /**
   * MSE/PE (BEP-less "Message Stream Encryption"): 'accept' answers an encrypted or a plaintext
   * handshake (libtorrent's default), 'off' only plaintext, 'require' only RC4.
   */
  encryption?: 'accept' | 'off' | 'require';
}

/** The MSE responder learns the infohash only as SHA-1('req2', infohash). */
function req2Hash(infoHash: string): string {
  return crypto.createHash('sha1').update('req2').update(Buffer.from(infoHash, 'hex')).digest('hex');
}

export async function startSeeder(opts: SeederOptions): Promise<Seeder> {
  const byHash = new Map(opts.fixtures.map((f) => [f.infoHash, f]));
  const behaviour = opts.behaviour ?? {};
  const sockets = new Set<net.Socket>();
  const state = { blocksServed: 0, bytesServed: 0, connections: 0, cancelsReceived: 0, peersSeen: new Set<string>(), encryptedHandshakes: 0, plaintextHandshakes: 0 };
  const byReq2 = new Map(opts.fixtures.map((f) => [req2Hash(f.infoHash), f.infoHash]));
  const encryption = behaviour.encryption ?? 'accept';
  const peerId = Buffer.concat([Buffer.from('-TLSIM0-'), crypto.randomBytes(12)]).toString('hex');

  const server = net.createServer((socket) => {
    sockets.add(socket);
    state.connections++;
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const wire = new Wire('tcpIncoming', encryption === 'off' ? 0 : encryption === 'require' ? 2 : 1);
    wire.on('error', () => socket.destroy());
    socket.pipe(wire).pipe(socket);
    wire.on('crypto-infohash', (hash: string) => {
      const infoHash = byReq2.get(hash);
      if (!infoHash) return void wire.destroy();
      wire.setInfoHash(infoHash);
    });
    let fixture: TorrentFixture | undefined;
    wire.on('handshake', (infoHash: string) => {
      fixture = byHash.get(infoHash);
      const rc4 = wire._encryptionMethod === 2;
      if (!fixture || (encryption === 'require' && !rc4)) {
        wire.destroy();
        return;
      }
      if (rc4) state.encryptedHandshakes++;
      else state.plaintextHandshakes++;
      state.peersSeen.add(`${socket.remoteAddress}:${socket.remotePort}`);
      wire.use(utMetadata(fixture.torrentFile));
      wire.handshake(infoHash, peerId, { dht: false, ...(behaviour.fast ? { fast: true } : {}) });
      if (wire.hasFast) wire.haveAll();
      else {
        const bits = new BitField(fixture.pieces);
        for (let i = 0; i < fixture.pieces; i++) bits.set(i, true);
        wire.bitfield(bits);
      }
    });
    wire.on('interested', () => wire.unchoke());
    // Rate-limited uploads go out one block at a time from a queue, so a cancelled request costs
    // no upload time (as on a real uplink); blocks.served is counted when sent.
    const uplink: Array<{ index: number; offset: number; length: number; send: () => void }> = [];
    let uplinkBusy = false;
    const pumpUplink = () => {
      const next = uplink.shift();
      if (!next || wire.destroyed) return void (uplinkBusy = false);
      uplinkBusy = true;
      setTimeout(() => {
        next.send();
        pumpUplink();
      }, (next.length * 1000) / behaviour.rateBytesPerSec!);
    };
    wire.on('cancel', (index: number, offset: number, length: number) => {
      state.cancelsReceived++;
      const i = uplink.findIndex((u) => u.index === index && u.offset === offset && u.length === length);
      if (i >= 0) uplink.splice(i, 1);
    });
    let servedHere = 0;
    wire.on('request', (index: number, offset: number, length: number, respond: (err: Error | null, block?: Buffer) => void) => {
      if (!fixture || behaviour.silent) return;
      const start = index * fixture.pieceLength + offset;
      let block = fixture.bytesAt ? fixture.bytesAt(start, length) : fixture.content.subarray(start, start + length);
      if (behaviour.corrupt) {
        block = Buffer.from(block);
        for (let i = 0; i < block.length; i += 997) block[i]! ^= 0x5a;
      }
      const send = () => {
        if (wire.destroyed) return;
        state.blocksServed++;
        state.bytesServed += block.length;
        respond(null, block);
        servedHere++;
        if (behaviour.chokeAfterBlocks !== undefined && servedHere === behaviour.chokeAfterBlocks) {
          wire.choke();
          setTimeout(() => !wire.destroyed && wire.unchoke(), 1_000);
        }
      };
      const later = () => (behaviour.rateBytesPerSec ? (uplink.push({ index, offset, length, send }), uplinkBusy || pumpUplink()) : send());
      if (opts.blockDelayMs) setTimeout(later, opts.blockDelayMs);
      else later();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, opts.host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  let dht: DHT | undefined;
  if (opts.bootstrap && opts.bootstrap.length) {
    dht = new DHT({ bootstrap: opts.bootstrap, host: false });
    dht.on('error', () => {});
    dht.on('warning', () => {});
    const node = dht;
    await new Promise<void>((resolve) => node.listen(0, opts.host, () => resolve()));
    await new Promise<void>((resolve) => (node.ready ? resolve() : node.once('ready', () => resolve())));
    await Promise.all(
      opts.fixtures.map(async (f) => {
        const limit = opts.announceClosest;
        if (limit) {
          await new Promise<void>((resolve) => node.lookup(f.infoHash, () => resolve()));
          const table = (node as unknown as { _tables: Map<string, { closest(id: Uint8Array, n?: number): unknown[] }> })._tables.get(f.infoHash);
          if (table) {
            const closest = table.closest.bind(table);
            table.closest = (id, n) => closest(id, Math.min(n ?? Infinity, limit));
          }
        }
        await new Promise<void>((resolve) => node.announce(f.infoHash, port, () => resolve()));
      }),
    );
  }

  return {
    host: opts.host,
    port,
    get blocksServed() { return state.blocksServed; },
    get bytesServed() { return state.bytesServed; },
    get connections() { return state.connections; },
    get cancelsReceived() { return state.cancelsReceived; },
    get encryptedHandshakes() { return state.encryptedHandshakes; },
    get plaintextHandshakes() { return state.plaintextHandshakes; },
    peersSeen: state.peersSeen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (dht) await new Promise<void>((resolve) => dht!.destroy(() => resolve()));
    },
  };
}
