/**
 * Peers a DHT lists but that cannot be used, as a real swarm has them next to its few good
 * seeders: each host on its own 127.161.x.y address, announced into the sim DHT like a peer that
 * really announced, and keeping counters so a test can tell how a client treated it (how fast it
 * gave up, whether it came back again and again).
 *
 * Unreachable:
 * - refused: nothing listens on the announced port (TCP RST at once; ICMP port unreachable for uTP)
 * - silent: packets to the port vanish, as behind NAT or at a host gone off-line: an nftables table
 *   of this process drops TCP and UDP to that address and port only (so the DHT announce, sent
 *   from another port, still gets through). Needs root and nft; the table is deleted on close,
 *   on process exit and on SIGINT/SIGTERM, and tables left by a killed test process are swept.
 * - accept-close: accepts TCP (and uTP) and closes at once
 * Protocol breakers (plaintext BitTorrent written as raw frames, so nothing corrects them):
 * - unrequested-piece: handshake, bitfield, unchoke, then piece messages nobody asked for
 * - out-of-range-piece: pieces at index >= the torrent's piece count and past a piece's end
 * - bitfield-flood: a 250 KB bitfield, again and again
 * - before-handshake: a piece and a request before any handshake
 * MSE breakers (answering an MSE step 1: a 96-byte DH key and its pad):
 * - mse-garbage: random bytes where the DH key and the encrypted verification constant should be
 * - mse-long-pad: a real DH key and a correct RC4 reply, but after 600 bytes of pad (the limit is 512)
 * - mse-stall: 50 bytes, then silence
 * Breakers close a connection that starts the other way (a plaintext handshake to an MSE breaker,
 * MSE to a plaintext breaker), as a peer with that policy would; those closes count as theirs.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import net from 'node:net';
import type { PeerAddress } from '../../src/privacy/peer-source.js';
import { announcePeers } from './dht-announce.js';
import type { DhtNetwork } from './dht-network.js';
import { CRYPTO_RC4, dhKeys, MSE_KEY_BYTES, MSE_VC, mseKey, Rc4 } from './mse.js';
import { requireNft } from './require-tool.js';

export type UnreachableKind = 'refused' | 'silent' | 'accept-close';
export type BreakerKind = 'unrequested-piece' | 'out-of-range-piece' | 'bitfield-flood' | 'before-handshake';
export type MseBreakerKind = 'mse-garbage' | 'mse-long-pad' | 'mse-stall';
export type HostileKind = UnreachableKind | BreakerKind | MseBreakerKind;

export const UNREACHABLE_KINDS: readonly UnreachableKind[] = ['refused', 'silent', 'accept-close'];
export const BREAKER_KINDS: readonly BreakerKind[] = ['unrequested-piece', 'out-of-range-piece', 'bitfield-flood', 'before-handshake'];
export const MSE_BREAKER_KINDS: readonly MseBreakerKind[] = ['mse-garbage', 'mse-long-pad', 'mse-stall'];

/** The second octet of every hostile host (the test world's own block). */
export const HOSTILE_SECOND_OCTET = 161;
/** Every address a hostile peer may have, first and last (for a seeder's blockedRanges). */
export const HOSTILE_RANGE: readonly [string, string] = [`127.${HOSTILE_SECOND_OCTET}.0.0`, `127.${HOSTILE_SECOND_OCTET}.255.255`];
export const FLOOD_BITFIELD_BYTES = 250_000;
export const LONG_PAD_BYTES = 600;
export const STALL_BYTES = 50;
/** Garbage after a fake DH key: more than the 512 + 8 bytes an initiator may scan for the VC. */
export const GARBAGE_BYTES = 1_100;
/** How often a breaker repeats its misbehaviour on a connection the client keeps open. */
const REPEAT_MS = 100;

export interface PeerConnection {
  transport: 'tcp' | 'utp';
  remote: string;
  /** Date.now() when accepted and when closed (null while open). */
  openedAt: number;
  closedAt: number | null;
  /** 'client': the side under test closed or reset it; 'us': this peer did (by design or on close()). */
  closedBy: 'client' | 'us' | null;
  bytesIn: number;
  bytesOut: number;
  /** The first bytes were a plaintext BitTorrent handshake / something else (MSE, garbage). */
  opening: 'handshake' | 'other' | null;
}

export interface HostilePeer {
  readonly kind: HostileKind;
  readonly host: string;
  readonly port: number;
  /** Every connection accepted, in order (none for refused and silent peers). */
  readonly connections: readonly PeerConnection[];
  readonly accepted: number;
  readonly bytesReceived: number;
  /** How long each connection the client under test ended had lasted, in ms (only those from `from`, when given). */
  clientDropsMs(from?: string): number[];
  /** The connections that came from one address (a client's --bind). */
  connectionsFrom(ip: string): PeerConnection[];
}

export interface PacketCounts {
  tcp: number;
  udp: number;
}

export interface HostilePeers {
  readonly peers: readonly HostilePeer[];
  of(kind: HostileKind): HostilePeer[];
  addresses(kind?: HostileKind): PeerAddress[];
  /**
   * Packets that reached each refused or silent peer's port (TCP SYNs with their retransmissions,
   * uTP datagrams), from the nftables set counters, by host. Throws when nft is not in use.
   */
  packets(): Promise<Map<string, PacketCounts>>;
  close(): Promise<void>;
}

export interface HostilePeerOptions {
  /** What every peer claims to have: the infohash it is announced for and handshakes with, and the torrent's shape. */
  torrent: { infoHash: string; pieces: number; pieceLength: number };
  /** How many peers of each kind. */
  kinds: Partial<Record<HostileKind, number>>;
  /** Hosts are 127.161.<subnet>.1 to .250, then 127.161.<subnet + 1>.1 ... (default 0). */
  subnet?: number;
  /** Announce every peer into this DHT, from its own address. */
  dht?: DhtNetwork;
  /** Nodes nearest the infohash each peer announces to (default 8, as libtorrent). */
  announceClosest?: number;
  /** accept-close peers accept and close uTP too (default true). */
  utp?: boolean;
  /**
   * Count only packets from this IPv4 CIDR (the clients under test) in packets(); they are dropped
   * from everyone. Other programs of a world reach these peers too: libtorrent's DHT probes every
   * peer a get_peers returns as a possible DHT node, on the peer's port (default: count all).
   */
  countFrom?: string;
}

interface Listener {
  close(): Promise<void>;
}

const PROTOCOL = Buffer.from('\x13BitTorrent protocol', 'latin1');
const frame = (id: number, payload: Buffer = Buffer.alloc(0)) => {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(payload.length + 1, 0);
  head[4] = id;
  return Buffer.concat([head, payload]);
};
const u32s = (...n: number[]) => Buffer.concat(n.map((v) => Buffer.from([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff])));
const handshake = (infoHash: Buffer) => Buffer.concat([PROTOCOL, Buffer.alloc(8), infoHash, Buffer.from('-TLHOST-'), crypto.randomBytes(12)]);
const fullBitfield = (pieces: number) => {
  const bits = Buffer.alloc(Math.ceil(pieces / 8));
  for (let i = 0; i < pieces; i++) bits[i >> 3]! |= 0x80 >> (i & 7);
  return frame(5, bits);
};
const pieceMsg = (index: number, begin: number, block: Buffer) => frame(7, Buffer.concat([u32s(index, begin), block]));
const requestMsg = (index: number, begin: number, length: number) => frame(6, u32s(index, begin, length));
const UNCHOKE = frame(1);
const BLOCK = 16 * 1024;

/** utp-native's shape as used here (its full typing comes with the uTP transport). */
interface UtpSocketLike {
  remoteAddress?: string;
  remotePort?: number;
  on(event: 'data', fn: (b: Buffer) => void): unknown;
  on(event: 'close' | 'error', fn: () => void): unknown;
  destroy(): void;
}
interface UtpServerLike {
  listen(port: number, host: string, cb: () => void): void;
  on(event: 'connection', fn: (socket: UtpSocketLike) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  close(cb?: () => void): void;
}
interface UtpModule {
  createServer(onConnection?: (socket: UtpSocketLike) => void): UtpServerLike;
}
const loadUtp = (): UtpModule => createRequire(import.meta.url)('utp-native') as UtpModule;

/** A port on `host` where nothing listens over TCP or UDP (a wildcard listener would answer there too). */
async function freePort(host: string): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const server = net.createServer();
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port));
    });
    await new Promise<void>((r) => server.close(() => r()));
    const udp = dgram.createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, host, () => resolve(true));
    });
    await new Promise<void>((r) => (ok ? udp.close(() => r()) : r()));
    if (ok) return port;
  }
  throw new Error(`no port on ${host} is free for both TCP and UDP after 20 tries`);
}

/** Starts a TCP listener whose every connection is recorded and handed to `handle`. */
async function tcpListener(host: string, port: number, conns: PeerConnection[], handle: (socket: net.Socket, conn: PeerConnection, closeOurselves: () => void) => void): Promise<Listener> {
  const sockets = new Set<net.Socket>();
  let closing = false;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const conn: PeerConnection = { transport: 'tcp', remote: `${socket.remoteAddress}:${socket.remotePort}`, openedAt: Date.now(), closedAt: null, closedBy: null, bytesIn: 0, bytesOut: 0, opening: null };
    conns.push(conn);
    let ours = false;
    const closeOurselves = () => {
      ours = true;
      socket.destroy();
    };
    socket.on('data', (d: Buffer) => (conn.bytesIn += d.length));
    const write = socket.write.bind(socket) as (chunk: Buffer) => boolean;
    socket.write = ((chunk: Buffer) => {
      conn.bytesOut += chunk.length;
      return write(chunk);
    }) as typeof socket.write;
    socket.on('error', () => {});
    socket.on('close', () => {
      sockets.delete(socket);
      conn.closedAt = Date.now();
      conn.closedBy = ours || closing ? 'us' : 'client';
    });
    handle(socket, conn, closeOurselves);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`cannot listen on ${host}:${port}: ${err.message}`)));
    server.listen(port, host, () => resolve());
  });
  return {
    close: async () => {
      closing = true;
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function utpAcceptClose(host: string, port: number, conns: PeerConnection[]): Promise<Listener> {
  const server = loadUtp().createServer((socket) => {
    const conn: PeerConnection = { transport: 'utp', remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`, openedAt: Date.now(), closedAt: Date.now(), closedBy: 'us', bytesIn: 0, bytesOut: 0, opening: null };
    conns.push(conn);
    socket.on('error', () => {});
    socket.destroy();
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(port, host, () => resolve()));
  return { close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * Reads the first bytes of a connection and says whether they open a plaintext BitTorrent
 * handshake; calls `then` once `need` bytes of that kind of opening have arrived.
 */
function onOpening(socket: net.Socket, conn: PeerConnection, need: { handshake: number; other: number }, then: (opening: 'handshake' | 'other', bytes: Buffer) => void): void {
  let buf = Buffer.alloc(0);
  const onData = (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    if (!conn.opening && buf.length >= PROTOCOL.length) conn.opening = buf.subarray(0, PROTOCOL.length).equals(PROTOCOL) ? 'handshake' : 'other';
    if (conn.opening && buf.length >= need[conn.opening]) {
      socket.off('data', onData);
      then(conn.opening, buf);
    }
  };
  socket.on('data', onData);
}

/** Writes `what()` every REPEAT_MS while the socket is open and not backed up. */
function repeat(socket: net.Socket, what: () => Buffer): void {
  const timer = setInterval(() => {
    if (socket.destroyed) return clearInterval(timer);
    if (socket.writableLength < 1024 * 1024) socket.write(what());
  }, REPEAT_MS);
  socket.on('close', () => clearInterval(timer));
}

function breaker(kind: BreakerKind, torrent: HostilePeerOptions['torrent']) {
  const infoHash = Buffer.from(torrent.infoHash, 'hex');
  return (socket: net.Socket, conn: PeerConnection, closeOurselves: () => void) => {
    if (kind === 'before-handshake') socket.write(Buffer.concat([pieceMsg(0, 0, crypto.randomBytes(BLOCK)), requestMsg(0, 0, BLOCK)]));
    onOpening(socket, conn, { handshake: 68, other: 68 }, (opening, bytes) => {
      // A plaintext peer meeting MSE (or anything else) hangs up, as libtorrent's pe_disabled does.
      if (opening !== 'handshake' || !bytes.subarray(28, 48).equals(infoHash)) return closeOurselves();
      socket.write(handshake(infoHash));
      if (kind === 'before-handshake') return;
      if (kind === 'bitfield-flood') {
        const flood = frame(5, Buffer.alloc(FLOOD_BITFIELD_BYTES, 0xff));
        socket.write(flood);
        return repeat(socket, () => flood);
      }
      socket.write(Buffer.concat([fullBitfield(torrent.pieces), UNCHOKE]));
      let n = 0;
      const bad =
        kind === 'unrequested-piece'
          ? () => pieceMsg(n++ % torrent.pieces, 0, crypto.randomBytes(BLOCK))
          : // Alternately: a piece index past the last piece, and a block running past its piece's end.
            () => (n++ % 2 === 0 ? pieceMsg(torrent.pieces + 3, 0, crypto.randomBytes(BLOCK)) : pieceMsg(0, torrent.pieceLength - 8, crypto.randomBytes(BLOCK)));
      socket.write(bad());
      repeat(socket, bad);
    });
  };
}

function mseBreaker(kind: MseBreakerKind, torrent: HostilePeerOptions['torrent']) {
  const infoHash = Buffer.from(torrent.infoHash, 'hex');
  return (socket: net.Socket, conn: PeerConnection, closeOurselves: () => void) => {
    onOpening(socket, conn, { handshake: PROTOCOL.length, other: MSE_KEY_BYTES }, (opening, bytes) => {
      // An MSE-only peer refuses a plaintext handshake, as libtorrent's pe_forced does.
      if (opening === 'handshake') return closeOurselves();
      if (kind === 'mse-stall') return void socket.write(crypto.randomBytes(STALL_BYTES));
      if (kind === 'mse-garbage') return void socket.write(crypto.randomBytes(MSE_KEY_BYTES + GARBAGE_BYTES));
      // mse-long-pad: a real answer (Yb, then ENCRYPT(VC, crypto_select=RC4, len(padD)=0)), only
      // the pad before it is longer than an initiator may skip while looking for the VC.
      const keys = dhKeys();
      const secret = keys.secret(bytes.subarray(0, MSE_KEY_BYTES));
      const rc4 = new Rc4(mseKey('keyB', secret, infoHash));
      const step4 = rc4.update(Buffer.concat([MSE_VC, u32s(CRYPTO_RC4), Buffer.alloc(2)]));
      socket.write(Buffer.concat([keys.publicKey, crypto.randomBytes(LONG_PAD_BYTES), step4]));
    });
  };
}

let tableCount = 0;
let nftPath = 'nft';

/** An nftables table of this process: drops TCP and UDP to silent peers, counts packets to refused ones. */
class Firewall {
  readonly table: string;
  #removed = false;
  readonly #onExit = () => this.removeSync();
  readonly #onSignal = (signal: NodeJS.Signals) => {
    this.removeSync();
    // Then die of the signal as if nobody had listened (the default for SIGINT and SIGTERM).
    process.kill(process.pid, signal);
  };

  private constructor(table: string) {
    this.table = table;
    process.once('exit', this.#onExit);
    process.once('SIGINT', this.#onSignal);
    process.once('SIGTERM', this.#onSignal);
  }

  static open(silent: readonly PeerAddress[], refused: readonly PeerAddress[], countFrom: string | undefined): Firewall {
    nftPath = requireNft();
    Firewall.sweep();
    const table = `tl_test_${process.pid}_${++tableCount}`;
    if (countFrom !== undefined && !/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(countFrom)) throw new Error(`countFrom must be an IPv4 CIDR such as 127.162.0.0/16, got "${countFrom.slice(0, 60)}"`);
    const elements = (list: readonly PeerAddress[]) => (list.length ? `elements = { ${list.map((p) => `${p.host} . ${p.port}`).join(', ')} }` : '');
    // Counted sets are looked up only for packets from countFrom (an element's counter moves when
    // its lookup matches); the *_all sets drop silent peers' packets from everyone else.
    const from = countFrom ? `ip saddr ${countFrom} ` : '';
    const script = `table inet ${table} {
  set silent_tcp { type ipv4_addr . inet_service; counter; ${elements(silent)} }
  set silent_udp { type ipv4_addr . inet_service; counter; ${elements(silent)} }
  set silent_all { type ipv4_addr . inet_service; ${elements(silent)} }
  set refused_tcp { type ipv4_addr . inet_service; counter; ${elements(refused)} }
  set refused_udp { type ipv4_addr . inet_service; counter; ${elements(refused)} }
  chain input {
    type filter hook input priority -10; policy accept;
    ${from}ip daddr . tcp dport @silent_tcp drop
    ${from}ip daddr . udp dport @silent_udp drop
    ip daddr . tcp dport @silent_all drop
    ip daddr . udp dport @silent_all drop
    ${from}ip daddr . tcp dport @refused_tcp accept
    ${from}ip daddr . udp dport @refused_udp accept
  }
}
`;
    try {
      execFileSync(nftPath, ['-f', '-'], { input: script, stdio: ['pipe', 'ignore', 'pipe'] });
    } catch (err) {
      throw new Error(`nft could not create table inet ${table}: ${String((err as { stderr?: Buffer }).stderr ?? err).slice(0, 500)}`);
    }
    return new Firewall(table);
  }

  /** Deletes tl_test_<pid>_* tables whose process is gone (a test killed before its clean-up ran). */
  static sweep(): void {
    let listing = '';
    try {
      listing = execFileSync(nftPath, ['list', 'tables'], { encoding: 'utf8' });
    } catch {
      return;
    }
    for (const m of listing.matchAll(/^table inet (tl_test_(\d+)_\d+)$/gm)) {
      const pid = Number(m[2]);
      let alive = true;
      try {
        process.kill(pid, 0);
      } catch {
        alive = false;
      }
      if (!alive) {
        try {
          execFileSync(nftPath, ['delete', 'table', 'inet', m[1]!], { stdio: 'ignore' });
        } catch {
          // another sweeper got it first
        }
      }
    }
  }

  counters(): Map<string, PacketCounts> {
    const out = new Map<string, PacketCounts>();
    for (const set of ['silent_tcp', 'silent_udp', 'refused_tcp', 'refused_udp'] as const) {
      const json = JSON.parse(execFileSync(nftPath, ['-j', 'list', 'set', 'inet', this.table, set], { encoding: 'utf8' })) as { nftables: Array<{ set?: { elem?: Array<{ elem: { val: { concat: [string, number] }; counter?: { packets: number } } }> } }> };
      for (const entry of json.nftables) {
        for (const e of entry.set?.elem ?? []) {
          const host = e.elem.val.concat[0];
          const c = out.get(host) ?? { tcp: 0, udp: 0 };
          c[set.endsWith('tcp') ? 'tcp' : 'udp'] += e.elem.counter?.packets ?? 0;
          out.set(host, c);
        }
      }
    }
    return out;
  }

  removeSync(): void {
    if (this.#removed) return;
    this.#removed = true;
    process.off('exit', this.#onExit);
    process.off('SIGINT', this.#onSignal);
    process.off('SIGTERM', this.#onSignal);
    try {
      execFileSync(nftPath, ['delete', 'table', 'inet', this.table], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
}

/** Whether nft can be used here (installed and running as root), for worlds that only count refused packets. */
export function nftUsable(): boolean {
  try {
    requireNft();
    return true;
  } catch {
    return false;
  }
}

export async function startHostilePeers(opts: HostilePeerOptions): Promise<HostilePeers> {
  const subnet = opts.subnet ?? 0;
  let n = 0;
  const nextHost = () => {
    const host = `127.${HOSTILE_SECOND_OCTET}.${subnet + Math.floor(n / 250)}.${(n % 250) + 1}`;
    n++;
    return host;
  };
  const peers: Array<HostilePeer & { conns: PeerConnection[] }> = [];
  const listeners: Listener[] = [];
  let firewall: Firewall | undefined;
  let closing: Promise<void> | undefined;
  // Idempotent: a test may close early and its after-hook closes again.
  const close = () =>
    (closing ??= (async () => {
      await Promise.allSettled(listeners.map((l) => l.close()));
      firewall?.removeSync();
    })());
  try {
    for (const [kind, count] of Object.entries(opts.kinds) as Array<[HostileKind, number]>) {
      for (let i = 0; i < count; i++) {
        const host = nextHost();
        const port = await freePort(host);
        const conns: PeerConnection[] = [];
        if (kind === 'accept-close') {
          listeners.push(await tcpListener(host, port, conns, (_socket, _conn, closeOurselves) => closeOurselves()));
          if (opts.utp ?? true) listeners.push(await utpAcceptClose(host, port, conns));
        } else if ((BREAKER_KINDS as readonly string[]).includes(kind)) {
          listeners.push(await tcpListener(host, port, conns, breaker(kind as BreakerKind, opts.torrent)));
        } else if ((MSE_BREAKER_KINDS as readonly string[]).includes(kind)) {
          listeners.push(await tcpListener(host, port, conns, mseBreaker(kind as MseBreakerKind, opts.torrent)));
        }
        peers.push({
          kind,
          host,
          port,
          conns,
          connections: conns,
          get accepted() {
            return conns.length;
          },
          get bytesReceived() {
            return conns.reduce((s, c) => s + c.bytesIn, 0);
          },
          clientDropsMs: (from) => conns.filter((c) => c.closedBy === 'client' && c.closedAt !== null && (!from || c.remote.startsWith(`${from}:`))).map((c) => c.closedAt! - c.openedAt),
          connectionsFrom: (ip) => conns.filter((c) => c.remote.startsWith(`${ip}:`)),
        });
      }
    }
    const silent = peers.filter((p) => p.kind === 'silent');
    const refused = peers.filter((p) => p.kind === 'refused');
    // Silent peers cannot exist without the firewall; refused ones only lose their packet counts.
    if (silent.length || (refused.length && nftUsable())) firewall = Firewall.open(silent, refused, opts.countFrom);
    if (opts.dht) await announcePeers(opts.dht, opts.torrent.infoHash, peers, { closest: opts.announceClosest ?? 8 });
  } catch (err) {
    await close();
    throw err;
  }
  const strip = (p: HostilePeer): PeerAddress => ({ host: p.host, port: p.port });
  return {
    peers,
    of: (kind) => peers.filter((p) => p.kind === kind),
    addresses: (kind) => peers.filter((p) => !kind || p.kind === kind).map(strip),
    packets: async () => {
      if (!firewall) throw new Error('packet counts need the nftables table: it exists only with silent peers, or refused peers where nft is usable (root)');
      return firewall.counters();
    },
    close,
  };
}
