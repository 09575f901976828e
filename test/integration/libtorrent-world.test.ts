/**
 * The test world of real libtorrent peers and unusable peers proves itself here, with only tools
 * outside the product: libtorrent seeders of every kind are announced on the DHT nodes closest to
 * their infohash and found by a plain lookup; a libtorrent leecher from the same world downloads
 * each kind byte-exact (the baseline torrent-live is compared with), and the seeders' own peer
 * flags show how it came; raw clients see each kind's policy (plaintext, MSE, TCP, uTP); refused,
 * silent (nftables) and accept-close peers behave as named while their DHT announces got
 * through; protocol and MSE breakers do what they say, as a bittorrent-protocol Wire and a strict
 * MSE initiator see them.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import Wire from 'bittorrent-protocol';
import { startDhtNetwork, type DhtNetwork } from '../sim/dht-network.js';
import { closestNodes, holdersOf } from '../sim/dht-announce.js';
import { makeFixture, removeFixture, type TorrentFixture } from '../sim/fixtures.js';
import { LIBTORRENT_KINDS, startLibtorrentPeer, type LibtorrentKind, type LibtorrentPeer } from '../sim/libtorrent-peer.js';
import { CRYPTO_PLAINTEXT, CRYPTO_RC4, mseInitiate, type MseOutcome } from '../sim/mse.js';
import { PlainLookupPeerSource } from '../sim/plain-lookup.js';
import { requireLibtorrent, requireNft } from '../sim/require-tool.js';
import { FLOOD_BITFIELD_BYTES, GARBAGE_BYTES, HOSTILE_RANGE, LONG_PAD_BYTES, STALL_BYTES, startHostilePeers, type HostilePeers } from '../sim/unreachable-peers.js';
import { subnetOf } from '../../src/privacy/peer-choice.js';

const DHT_BLOCK = 165;
/** libtorrent seeders on 127.160.2.x, leechers on 127.160.3.x, raw clients on 127.162.9.x. */
const seederHost = (i: number) => `127.160.2.${i + 1}`;
const leecherHost = (i: number) => `127.160.3.${i + 1}`;
const CLIENT_HOST = '127.162.9.1';

let dht: DhtNetwork;
const fixtures = new Map<LibtorrentKind, TorrentFixture>();
const seeders = new Map<LibtorrentKind, LibtorrentPeer>();
let hostileFixture: TorrentFixture;
let hostile: HostilePeers;

before(async () => {
  const t0 = performance.now();
  // Missing tools fail the whole file at once, by name, before anything starts.
  requireLibtorrent();
  requireNft();
  dht = await startDhtNetwork({ size: 60, addressBlock: DHT_BLOCK, spreadSubnets: true });
  for (const [i, kind] of LIBTORRENT_KINDS.entries()) {
    fixtures.set(kind, await makeFixture({ name: `lt-${kind}.bin`, files: [{ name: `lt-${kind}.bin`, length: 3_000_000 + i * 7_777 }], seed: 300 + i, pieceLength: 64 * 1024 }));
  }
  await Promise.all(LIBTORRENT_KINDS.map(async (kind, i) => seeders.set(kind, await startLibtorrentPeer({ kind, host: seederHost(i), seed: [fixtures.get(kind)!], bootstrap: dht.bootstrap, blockedRanges: [HOSTILE_RANGE] }))));
  hostileFixture = await makeFixture({ name: 'hostile.bin', files: [{ name: 'hostile.bin', length: 1_000_000 }], seed: 310, pieceLength: 64 * 1024 });
  hostile = await startHostilePeers({
    torrent: hostileFixture,
    kinds: { refused: 2, silent: 2, 'accept-close': 2, 'unrequested-piece': 1, 'out-of-range-piece': 1, 'bitfield-flood': 1, 'before-handshake': 1, 'mse-garbage': 1, 'mse-long-pad': 1, 'mse-stall': 1 },
    subnet: 200,
    dht,
  });
  process.stderr.write(`libtorrent world up in ${(performance.now() - t0).toFixed(0)} ms\n`);
});

after(async () => {
  const t0 = performance.now();
  await hostile?.close();
  await Promise.all([...seeders.values()].map((s) => s.close()));
  await dht?.close();
  for (const f of [...fixtures.values(), hostileFixture]) if (f) removeFixture(f);
  process.stderr.write(`libtorrent world closed in ${(performance.now() - t0).toFixed(0)} ms\n`);
});

/** Waits for a libtorrent seeder's announce to land (libtorrent announces once its DHT is up; a retry covers a race). */
async function announcedHolders(kind: LibtorrentKind): Promise<string[]> {
  const seeder = seeders.get(kind)!;
  const fx = fixtures.get(kind)!;
  const deadline = Date.now() + 15_000;
  for (;;) {
    const holders = await holdersOf(dht, fx.infoHash, { host: seeder.host, port: seeder.port });
    if (holders.length >= 5 || Date.now() > deadline) return holders.map((h) => h.host);
    await seeder.announce();
    await new Promise((r) => setTimeout(r, 300));
  }
}

test('a libtorrent seeder of each kind is announced on the nodes closest to its infohash and found by a plain lookup', async () => {
  for (const kind of LIBTORRENT_KINDS) {
    const fx = fixtures.get(kind)!;
    const holders = await announcedHolders(kind);
    // The private lookup ranks a peer by how many nodes in different /24s vouch for it.
    assert.ok(holders.length >= 5, `${kind}: held by ${holders.length} nodes (${holders.join(', ')}), want >= 5`);
    assert.ok(new Set(holders.map(subnetOf)).size >= 5, `${kind}: holders in ${new Set(holders.map(subnetOf)).size} /24s`);
    const closest = new Set(closestNodes(dht, fx.infoHash, 8).map((n) => n.host));
    assert.ok(holders.every((h) => closest.has(h)), `${kind}: every holder is among the 8 closest nodes (${holders.filter((h) => !closest.has(h)).join(', ')} is not)`);
  }
  const source = new PlainLookupPeerSource({ bootstrap: dht.bootstrap, bindAddress: CLIENT_HOST });
  try {
    await Promise.all(
      LIBTORRENT_KINDS.map(async (kind) => {
        const seeder = seeders.get(kind)!;
        const session = source.start(fixtures.get(kind)!.infoHash);
        try {
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`${kind}: the plain lookup did not find ${seeder.host}:${seeder.port} within 10 s`)), 10_000);
            session.on('peer', (p) => {
              if (p.host === seeder.host && p.port === seeder.port) {
                clearTimeout(timer);
                resolve();
              }
            });
          });
        } finally {
          session.stop();
        }
      }),
    );
  } finally {
    await source.close();
  }
});

test('a libtorrent leecher from the same world downloads each kind byte-exact, and the seeder saw it come as the kind allows', async (t) => {
  const results = await Promise.all(
    LIBTORRENT_KINDS.map(async (kind, i) => {
      const fx = fixtures.get(kind)!;
      const leecher = await startLibtorrentPeer({ kind: 'enabled', host: leecherHost(i), leech: { fixture: fx, deadlineS: 40 }, bootstrap: dht.bootstrap });
      try {
        const finish = await leecher.finished();
        const bytes = fs.readFileSync(path.join(leecher.saveDir, fx.name));
        return { kind, finish, exact: bytes.equals(fx.content), seen: await seeders.get(kind)!.peersFrom(leecher.host) };
      } finally {
        await leecher.close();
      }
    }),
  );
  for (const { kind, finish, exact, seen } of results) {
    t.diagnostic(`libtorrent leecher from a ${kind} seeder: first piece ${finish.firstPieceS} s, done ${finish.doneS} s (from its own start)`);
    const fx = fixtures.get(kind)!;
    assert.ok(exact, `${kind}: byte-exact`);
    assert.equal(finish.bytes, fx.content.length);
    const uploaded = seen.reduce((s, p) => s + p.uploaded, 0);
    assert.equal(uploaded, fx.content.length, `${kind}: the seeder's own counters account for every byte`);
    const carriers = seen.filter((p) => p.uploaded > 0);
    if (kind === 'required') assert.ok(carriers.every((p) => p.rc4), `${kind}: every connection that carried data was RC4 (${JSON.stringify(carriers)})`);
    if (kind === 'plaintext') assert.ok(carriers.every((p) => !p.rc4 && !p.plaintextEncrypted), `${kind}: no MSE at all`);
    if (kind === 'utp-only') assert.ok(carriers.every((p) => p.utp), `${kind}: uTP only`);
    if (kind === 'tcp-only') assert.ok(carriers.every((p) => !p.utp), `${kind}: TCP only`);
  }
});

const PROTOCOL = Buffer.from('\x13BitTorrent protocol', 'latin1');
const plainHandshake = (infoHash: string) => Buffer.concat([PROTOCOL, Buffer.alloc(8), Buffer.from(infoHash, 'hex'), crypto.randomBytes(20)]);

/** What a peer does with a plaintext handshake over TCP: answers one, closes, or refuses the connection. */
function tcpPlaintext(host: string, port: number, infoHash: string, from = CLIENT_HOST): Promise<'answered' | 'closed' | 'refused' | 'silent'> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, localAddress: from });
    let got = Buffer.alloc(0);
    const done = (r: 'answered' | 'closed' | 'refused' | 'silent') => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done('silent'), 2_000);
    socket.on('connect', () => socket.write(plainHandshake(infoHash)));
    socket.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 68) done(got.subarray(0, 20).equals(PROTOCOL) && got.subarray(28, 48).toString('hex') === infoHash ? 'answered' : 'closed');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : 'closed'));
    socket.on('close', () => done('closed'));
  });
}

interface UtpConnection {
  on(event: 'connect', fn: () => void): unknown;
  on(event: 'data', fn: (b: Buffer) => void): unknown;
  on(event: 'error' | 'close', fn: (err?: Error) => void): unknown;
  write(b: Buffer): void;
  destroy(): void;
}
interface UtpSocket {
  connect(port: number, host: string): UtpConnection;
  unref(): void;
}
/** utp-native's shape as used here (its full typing comes with the uTP transport). */
const utp = createRequire(import.meta.url)('utp-native') as () => UtpSocket;

/** The same over uTP: answered, closed, or no answer at all within the wait. */
function utpPlaintext(host: string, port: number, infoHash: string, waitMs = 1_500): Promise<'answered' | 'closed' | 'silent'> {
  return new Promise((resolve) => {
    const udp = utp();
    const socket = udp.connect(port, host);
    let got = Buffer.alloc(0);
    let settled = false;
    const done = (r: 'answered' | 'closed' | 'silent') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      // A uTP connection that never got an answer lingers until libutp's own timeout (~20 s);
      // it must not hold the test process open.
      udp.unref();
      resolve(r);
    };
    const timer = setTimeout(() => done('silent'), waitMs);
    socket.on('connect', () => socket.write(plainHandshake(infoHash)));
    socket.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 68) done('answered');
    });
    socket.on('error', () => done('closed'));
    socket.on('close', () => done('closed'));
  });
}

async function mseOver(host: string, port: number, infoHash: string, provide: number, from = CLIENT_HOST) {
  const socket = net.connect({ host, port, localAddress: from });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  try {
    return await mseInitiate(socket, Buffer.from(infoHash, 'hex'), { provide, initialPayload: plainHandshake(infoHash), awaitAfter: 68 });
  } finally {
    socket.destroy();
  }
}

test("each kind's policy as raw clients see it: plaintext over TCP and uTP, MSE offering RC4 only or RC4 and plaintext", async () => {
  // mseRc4: what a client that requires encryption meets; mseBoth: what one that prefers it meets.
  const expected: Record<LibtorrentKind, { tcp: string; utp: string; mseRc4: string; mseBoth: string }> = {
    plaintext: { tcp: 'answered', utp: 'answered', mseRc4: 'closed', mseBoth: 'closed' },
    // libtorrent's default picks an obfuscated handshake with a plaintext payload when offered both.
    enabled: { tcp: 'answered', utp: 'answered', mseRc4: 'rc4', mseBoth: 'plaintext' },
    required: { tcp: 'closed', utp: 'silent', mseRc4: 'rc4', mseBoth: 'rc4' },
    // libtorrent keeps a TCP listener but closes what it accepts; uTP SYNs to a tcp-only peer go unanswered.
    'utp-only': { tcp: 'closed', utp: 'answered', mseRc4: 'closed', mseBoth: 'closed' },
    'tcp-only': { tcp: 'answered', utp: 'silent', mseRc4: 'rc4', mseBoth: 'plaintext' },
  };
  const name = (o: MseOutcome) => (o.ok ? (o.selected === CRYPTO_RC4 ? 'rc4' : o.selected === CRYPTO_PLAINTEXT ? 'plaintext' : `selected ${o.selected}`) : o.reason);
  for (const kind of LIBTORRENT_KINDS) {
    const s = seeders.get(kind)!;
    const ih = fixtures.get(kind)!.infoHash;
    // Each probe from its own address: libtorrent keeps one connection per IP (as real clients do).
    const [tcp, utpResult, mseRc4, mseBoth] = await Promise.all([
      tcpPlaintext(s.host, s.port, ih, '127.162.9.2'),
      utpPlaintext(s.host, s.port, ih),
      mseOver(s.host, s.port, ih, CRYPTO_RC4, '127.162.9.3'),
      mseOver(s.host, s.port, ih, CRYPTO_RC4 | CRYPTO_PLAINTEXT, '127.162.9.4'),
    ]);
    const got = { tcp, utp: utpResult, mseRc4: name(mseRc4), mseBoth: name(mseBoth) };
    if (!isDeepStrictEqual(got, expected[kind])) {
      // libtorrent's own reasons for closing, once its alerts have caught up.
      await new Promise((r) => setTimeout(r, 500));
      const why = async (from: string) => JSON.stringify((await s.peersFrom(from)).map((p) => p.disconnects));
      assert.deepEqual(got, expected[kind], `${kind}; libtorrent's reasons for closing: tcp ${await why('127.162.9.2')}, mseRc4 ${await why('127.162.9.3')}, mseBoth ${await why('127.162.9.4')}; mseBoth ${JSON.stringify(mseBoth.ok ? mseBoth.selected : { reason: mseBoth.reason, received: mseBoth.received.length, vcAt: mseBoth.vcAt })}`);
    }
    if (mseRc4.ok) assert.equal(mseRc4.after.subarray(28, 48).toString('hex'), ih, `${kind}: its handshake came inside the RC4 stream`);
  }
});

const connectTo = (host: string, port: number) => net.connect({ host, port, localAddress: CLIENT_HOST });

/** A TCP connect's fate within waitMs: connected, refused (and how fast), or nothing. */
function tcpFate(host: string, port: number, waitMs: number): Promise<{ fate: 'connected' | 'refused' | 'nothing' | 'error'; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const socket = connectTo(host, port);
    const done = (fate: 'connected' | 'refused' | 'nothing' | 'error') => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ fate, ms: performance.now() - t0 });
    };
    const timer = setTimeout(() => done('nothing'), waitMs);
    socket.on('connect', () => done('connected'));
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'refused' : 'error'));
  });
}

/** A UDP datagram to the port: a refused port answers ICMP unreachable (ECONNREFUSED on a connected socket). */
async function udpFate(host: string, port: number, waitMs: number): Promise<'refused' | 'nothing'> {
  const socket = dgram.createSocket('udp4');
  const timers: NodeJS.Timeout[] = [];
  try {
    await new Promise<void>((r) => socket.bind(0, CLIENT_HOST, () => r()));
    await new Promise<void>((r) => socket.connect(port, host, () => r()));
    return await new Promise((resolve) => {
      timers.push(setTimeout(() => resolve('nothing'), waitMs));
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'refused' : 'nothing'));
      // Two datagrams: the ICMP error for the first is reported on the next send or receive.
      socket.send(Buffer.from('d1:ad2:id20:aaaaaaaaaaaaaaaaaaaae1:q4:ping1:t2:aa1:y1:qe'));
      timers.push(setTimeout(() => socket.send(Buffer.from('x'), () => {}), 100));
    });
  } finally {
    timers.forEach(clearTimeout);
    socket.close();
  }
}

test('refused, silent and accept-close peers behave as named, and their DHT announces got through', async () => {
  await Promise.all(
    hostile.peers.map(async (p) => {
      const holders = await holdersOf(dht, hostileFixture.infoHash, p);
      assert.ok(holders.length >= 5, `${p.kind} ${p.host}:${p.port} is held by ${holders.length} nodes`);
    }),
  );
  await Promise.all([
    ...hostile.of('refused').map(async (p) => {
      const r = await tcpFate(p.host, p.port, 2_000);
      assert.equal(r.fate, 'refused', `refused ${p.host}`);
      assert.ok(r.ms < 200, `refused at once (${r.ms.toFixed(0)} ms)`);
      assert.equal(await udpFate(p.host, p.port, 1_000), 'refused', `refused ${p.host} over UDP`);
    }),
    ...hostile.of('silent').map(async (p) => {
      assert.equal((await tcpFate(p.host, p.port, 1_500)).fate, 'nothing', `silent ${p.host}: no answer, no RST`);
      assert.equal(await udpFate(p.host, p.port, 500), 'nothing', `silent ${p.host}: no ICMP`);
    }),
    ...hostile.of('accept-close').map(async (p) => {
      const socket = connectTo(p.host, p.port);
      socket.on('error', () => {});
      const t0 = performance.now();
      const got = await new Promise<number>((resolve) => {
        let n = 0;
        socket.on('data', (d: Buffer) => (n += d.length));
        socket.on('close', () => resolve(n));
      });
      assert.equal(got, 0);
      assert.ok(performance.now() - t0 < 500, 'closed at once');
      // libutp closes an accepted connection with a reset the client sees within about 1.5 s.
      assert.equal(await utpPlaintext(p.host, p.port, hostileFixture.infoHash, 3_000), 'closed', `accept-close ${p.host} over uTP`);
      assert.deepEqual(p.connections.map((c) => [c.transport, c.closedBy]), [['tcp', 'us'], ['utp', 'us']]);
    }),
  ]);
  const packets = await hostile.packets();
  for (const p of [...hostile.of('silent'), ...hostile.of('refused')]) {
    const c = packets.get(p.host);
    assert.ok(c && c.tcp >= 1 && c.udp >= 1, `${p.kind} ${p.host}: the firewall counted what reached it (${JSON.stringify(c)})`);
  }
});

interface WireRun {
  wire: Wire;
  socket: net.Socket;
  /** Raw bytes received before we wrote anything. */
  early: Buffer;
  events: Array<{ event: string; index?: number; offset?: number; length?: number; bitfieldBytes?: number }>;
}

/** A bittorrent-protocol Wire over plaintext TCP to a breaker, recording what it reports for `ms`. */
async function wireTo(host: string, port: number, infoHash: string, ms: number): Promise<WireRun> {
  const socket = connectTo(host, port);
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  // Bytes that arrive before our handshake: let them sit a moment before the Wire reads them.
  let early = Buffer.alloc(0);
  const onEarly = (d: Buffer) => (early = Buffer.concat([early, d]));
  socket.on('data', onEarly);
  await new Promise((r) => setTimeout(r, 100));
  socket.off('data', onEarly);
  socket.pause();
  const wire = new Wire();
  const run: WireRun = { wire, socket, early, events: [] };
  wire.on('error', (err: Error) => run.events.push({ event: `error: ${err.message}` }));
  wire.on('handshake', () => run.events.push({ event: 'handshake' }));
  wire.on('bitfield', (bits: { buffer: Uint8Array }) => run.events.push({ event: 'bitfield', bitfieldBytes: bits.buffer.length }));
  wire.on('unchoke', () => run.events.push({ event: 'unchoke' }));
  wire.on('piece', (index: number, offset: number, block: Uint8Array) => run.events.push({ event: 'piece', index, offset, length: block.length }));
  wire.on('request', (index: number, offset: number, length: number) => run.events.push({ event: 'request', index, offset, length }));
  if (early.length) wire.write(early);
  socket.pipe(wire).pipe(socket);
  wire.handshake(infoHash, crypto.randomBytes(20).toString('hex'));
  await new Promise((r) => setTimeout(r, ms));
  return run;
}

test('protocol breakers do what they say, as a bittorrent-protocol Wire sees them', async () => {
  const ih = hostileFixture.infoHash;
  const { pieces, pieceLength } = hostileFixture;
  const runs = new Map<string, WireRun>();
  for (const kind of ['unrequested-piece', 'out-of-range-piece', 'bitfield-flood', 'before-handshake'] as const) {
    const p = hostile.of(kind)[0]!;
    runs.set(kind, await wireTo(p.host, p.port, ih, 450));
  }
  try {
    const unrequested = runs.get('unrequested-piece')!;
    // This Wire never calls request(): every piece it reports came unasked.
    assert.ok(unrequested.events.filter((e) => e.event === 'piece').length >= 3, `pieces kept coming unasked: ${JSON.stringify(unrequested.events.slice(0, 6))}`);
    assert.deepEqual(unrequested.events.slice(0, 3).map((e) => e.event), ['handshake', 'bitfield', 'unchoke']);

    const outOfRange = runs.get('out-of-range-piece')!.events.filter((e) => e.event === 'piece');
    assert.ok(outOfRange.some((e) => e.index! >= pieces), `a piece index >= ${pieces}`);
    assert.ok(outOfRange.some((e) => e.index! < pieces && e.offset! + e.length! > pieceLength), `a block past the end of its ${pieceLength}-byte piece`);

    const flood = runs.get('bitfield-flood')!.events.filter((e) => e.event === 'bitfield');
    assert.ok(flood.length >= 2, `the bitfield came again and again (${flood.length})`);
    assert.ok(flood.every((e) => e.bitfieldBytes === FLOOD_BITFIELD_BYTES), `each ${FLOOD_BITFIELD_BYTES} bytes for ${pieces} pieces`);

    const early = runs.get('before-handshake')!.early;
    assert.ok(early.length > 0, 'bytes came before any handshake');
    assert.equal(early.readUInt32BE(0), 9 + 16 * 1024, 'the first frame is a 16 KiB piece');
    assert.equal(early[4], 7, 'message id 7 (piece)');
    assert.ok(!early.subarray(0, 20).equals(PROTOCOL));
  } finally {
    for (const r of runs.values()) r.socket.destroy();
  }
  // A plaintext breaker hangs up on MSE, as a peer without encryption would.
  const p = hostile.of('unrequested-piece')[0]!;
  const mse = await mseOver(p.host, p.port, ih, CRYPTO_RC4);
  assert.equal(mse.ok ? 'ok' : mse.reason, 'closed');
  assert.equal(p.connections.at(-1)!.opening, 'other');
  assert.equal(p.connections.at(-1)!.closedBy, 'us');
});

test('MSE breakers: garbage, an over-long pad before a correct answer, and a stall, as a strict MSE initiator sees them', async () => {
  const ih = hostileFixture.infoHash;
  const [garbage, longPad, stall] = await Promise.all(
    (['mse-garbage', 'mse-long-pad', 'mse-stall'] as const).map((kind) => {
      const p = hostile.of(kind)[0]!;
      return mseOver(p.host, p.port, ih, CRYPTO_RC4);
    }),
  );
  assert.ok(!garbage!.ok && garbage!.reason === 'no-vc' && garbage!.vcAt === null, `garbage: no VC anywhere (${JSON.stringify({ ...garbage, received: undefined })})`);
  assert.ok(!garbage!.ok && garbage!.received.length >= 96 + 512 + 8 && garbage!.received.length <= 96 + GARBAGE_BYTES);
  // The long pad's answer is real: its VC is exactly where the pad ends, beyond what a strict initiator scans.
  assert.ok(!longPad!.ok && longPad!.reason === 'no-vc', `long pad refused by the strict initiator`);
  assert.equal(!longPad!.ok && longPad!.vcAt, LONG_PAD_BYTES);
  assert.ok(!stall!.ok && stall!.reason === 'timeout' && stall!.received.length === STALL_BYTES, `stall: ${STALL_BYTES} bytes then nothing`);
  // An MSE-only breaker hangs up on a plaintext handshake.
  const p = hostile.of('mse-stall')[0]!;
  assert.equal(await tcpPlaintext(p.host, p.port, ih), 'closed');
  assert.equal(p.connections.at(-1)!.opening, 'handshake');
  assert.equal(p.connections.at(-1)!.closedBy, 'us');
});
