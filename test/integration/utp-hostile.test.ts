/**
 * Hostile UDP at the uTP transport's socket: 100,000 malformed packets (random bytes, uTP headers
 * for connections that do not exist, truncated headers, wrong versions, ST_SYN floods from many
 * source ports). The socket must keep working (a dial and a byte-exact transfer during and after
 * the flood), memory must stay bounded, a freerider must answer no ST_SYN, and libutp's ST_RESET
 * replies to unknown connections must stay bounded (it is a reflector otherwise).
 * Addresses: 127.150.30.0/24 and 127.150.31.0/24.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import fs from 'node:fs';
import type { Duplex } from 'node:stream';
import v8 from 'node:v8';
import vm from 'node:vm';
import utpNative from 'utp-native';
import { createUtpTransport } from '../../src/transport/utp.js';
import { serveBytes, startUtpServer } from '../sim/utp-peers.js';
import { decodeUtpHeader, encodeUtpHeader, ST_DATA, ST_FIN, ST_RESET, ST_STATE, ST_SYN, UTP_HEADER_BYTES } from '../sim/utp-packets.js';
import { closesAfter } from '../sim/cleanup.js';

const MiB = 1024 * 1024;
const FLOOD_PACKETS = 100_000;
/** libuv reads at most 32 datagrams per loop turn: sending more per turn only fills the kernel queue. */
const PACKETS_PER_TURN = 32;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const settledRss = async (): Promise<number> => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().rss;
};

/** Deterministic, so a failing mix can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = 'random' | 'unknown-connection' | 'truncated' | 'bad-version' | 'bad-extension' | 'syn';
const MIX: Array<[Kind, number]> = [
  ['random', 0.2],
  ['unknown-connection', 0.25],
  ['truncated', 0.12],
  ['bad-version', 0.05],
  ['bad-extension', 0.08],
  ['syn', 0.3],
];

/** Random bytes to cut packets from (drawn once: per-packet generation dominated the flood's time). */
const junkPool = (rnd: () => number): Buffer => Buffer.from(Array.from({ length: 64 * 1024 }, () => Math.floor(rnd() * 256)));

function malformed(kind: Kind, rnd: () => number, pool: Buffer): Buffer {
  const int = (n: number): number => Math.floor(rnd() * n);
  const bytes = (n: number): Buffer => {
    const at = int(pool.length - n);
    return pool.subarray(at, at + n);
  };
  const header = (type: number, version = 1, extension = 0, payload: Uint8Array = new Uint8Array(0)): Buffer =>
    encodeUtpHeader({ type, version, extension, connectionId: int(65536), seqNr: int(65536), ackNr: int(65536), timestampMicros: int(2 ** 32), windowBytes: int(2 ** 32) }, payload);
  switch (kind) {
    case 'random':
      return bytes(int(10) === 0 ? 0 : int(1500));
    case 'unknown-connection':
      return header([ST_DATA, ST_FIN, ST_STATE, ST_RESET][int(4)]!, 1, 0, bytes(int(1000)));
    case 'truncated':
      return header([ST_DATA, ST_SYN, ST_STATE][int(3)]!).subarray(0, 1 + int(UTP_HEADER_BYTES - 1));
    case 'bad-version':
      return header(int(16), [0, 2, 3, 15][int(4)]!);
    case 'bad-extension':
      // A selective-ack extension whose length runs past the end of the packet, and unknown types.
      return header([ST_DATA, ST_STATE, ST_SYN][int(3)]!, 1, 1 + int(3), Buffer.from([int(4), 200 + int(56), ...bytes(int(8))]));
    case 'syn':
      return header(ST_SYN);
  }
}

function pick(rnd: () => number): Kind {
  let x = rnd();
  for (const [kind, share] of MIX) {
    if (x < share) return kind;
    x -= share;
  }
  return 'syn';
}

async function bindUdp(host: string): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(0, host, () => resolve());
  });
  return s;
}

/** The kernel's drop counter for the UDP socket bound to host:port (Linux /proc/net/udp). */
function kernelDrops(host: string, port: number): number {
  const hex = Buffer.from(host.split('.').map(Number).reverse()).toString('hex').toUpperCase();
  const local = `${hex}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const line = fs.readFileSync('/proc/net/udp', 'utf8').split('\n').find((l) => l.trim().split(/\s+/)[1] === local);
  assert.ok(line, `no /proc/net/udp line for ${host}:${port}`);
  return Number(line.trim().split(/\s+/).at(-1));
}

async function download(stream: Duplex): Promise<string> {
  const hash = createHash('sha256');
  stream.on('data', (c: Buffer) => hash.update(c));
  stream.write(Buffer.from([1]));
  await once(stream, 'end');
  return hash.digest('hex');
}

test('100,000 malformed UDP packets: the socket keeps serving, memory stays bounded, no SYN is answered, RST replies stay bounded', async (t) => {
  const own = closesAfter(t);
  const data = randomBytes(4 * MiB);
  const expected = createHash('sha256').update(data).digest('hex');
  const server = own(await startUtpServer('127.150.30.2', serveBytes(data)));
  const warnings: string[] = [];
  const transport = own(await createUtpTransport({ bindAddress: '127.150.30.1', onWarning: (w) => warnings.push(w) }));
  const target = transport.address();
  const dialServer = (): Promise<Duplex> => transport.dial({ host: server.host, port: server.port }, { timeoutMs: 3_000 });

  // A first transfer, so what the first use allocates is in the baseline, not counted as flood.
  assert.equal(await download(await dialServer()), expected);
  const rssBefore = await settledRss();
  const dropsBefore = kernelDrops(target.address, target.port);

  // ST_SYN comes from 200 source ports; the rest from 8 more. Each records what it gets back.
  const synSockets = await Promise.all(Array.from({ length: 200 }, () => bindUdp('127.150.30.3')));
  const junkSockets = await Promise.all(Array.from({ length: 8 }, () => bindUdp('127.150.30.4')));
  own([...synSockets, ...junkSockets], (all) => Promise.all(all.map((s) => new Promise<void>((r) => s.close(() => r())))));
  const replies = new Map<string, number>();
  for (const s of [...synSockets, ...junkSockets]) {
    s.on('message', (m) => {
      const type = decodeUtpHeader(m)?.type;
      const name = type === ST_STATE ? 'ST_STATE' : type === ST_RESET ? 'ST_RESET' : `other(${type})`;
      replies.set(name, (replies.get(name) ?? 0) + 1);
    });
  }

  const rnd = prng(29);
  const pool = junkPool(rnd);
  const sentByKind = new Map<Kind, number>();
  let midFlood: Promise<string> | undefined;
  const started = performance.now();
  for (let i = 0; i < FLOOD_PACKETS; i++) {
    const kind = pick(rnd);
    sentByKind.set(kind, (sentByKind.get(kind) ?? 0) + 1);
    const from = kind === 'syn' ? synSockets[i % synSockets.length]! : junkSockets[i % junkSockets.length]!;
    from.send(malformed(kind, rnd, pool), target.port, target.address);
    if (i === FLOOD_PACKETS / 2) midFlood = dialServer().then(download);
    if (i % PACKETS_PER_TURN === PACKETS_PER_TURN - 1) await new Promise((r) => setImmediate(r));
  }
  const floodMs = performance.now() - started;
  assert.equal(await midFlood, expected, 'a transfer during the flood was not byte-exact');
  await new Promise((r) => setTimeout(r, 300));
  const rssAfter = await settledRss();
  const dropped = kernelDrops(target.address, target.port) - dropsBefore;

  assert.equal(await download(await dialServer()), expected, 'a transfer after the flood was not byte-exact');
  const growthMiB = (rssAfter - rssBefore) / MiB;
  console.log(
    `flood: ${FLOOD_PACKETS} packets in ${floodMs.toFixed(0)} ms (${[...sentByKind].map(([k, n]) => `${k} ${n}`).join(', ')}); ` +
      `kernel dropped ${dropped}; replies ${JSON.stringify(Object.fromEntries(replies))}; ` +
      `RSS ${(rssBefore / MiB).toFixed(1)} -> ${(rssAfter / MiB).toFixed(1)} MiB (${growthMiB >= 0 ? '+' : ''}${growthMiB.toFixed(1)})`,
  );
  assert.ok(dropped < FLOOD_PACKETS * 0.05, `the kernel dropped ${dropped} packets: the flood did not reach libutp`);
  assert.ok(growthMiB < 20, `RSS grew ${growthMiB.toFixed(1)} MiB during the flood`);
  assert.equal(replies.get('ST_STATE') ?? 0, 0, 'a freerider answered a ST_SYN');
  // libutp answers a packet for an unknown connection with ST_RESET, remembering at most ~1,000 per 10 s.
  assert.ok((replies.get('ST_RESET') ?? 0) <= 1_001, `${replies.get('ST_RESET')} ST_RESET replies: libutp's reflection limit did not hold`);
  assert.deepEqual(warnings, []);
});

test('--no-freerider under a ST_SYN flood: half-open connections are capped and dropped, then a real peer gets in', async (t) => {
  const own = closesAfter(t);
  const accepted: string[] = [];
  const transport = own(
    await createUtpTransport({
      bindAddress: '127.150.31.1',
      maxIncoming: 8,
      incomingFirstDataMs: 300,
      acceptIncoming: (stream, remote) => {
        accepted.push(remote.host);
        stream.end('welcome');
      },
    }),
  );
  const target = transport.address();
  const flooders = await Promise.all(Array.from({ length: 100 }, () => bindUdp('127.150.31.3')));
  own(flooders, (all) => Promise.all(all.map((s) => new Promise<void>((r) => s.close(() => r())))));
  let states = 0;
  for (const s of flooders) s.on('message', (m) => (states += decodeUtpHeader(m)?.type === ST_STATE ? 1 : 0));
  for (let i = 0; i < 2_000; i++) {
    // Every other ST_SYN carries an extension chain that runs past its end (libutp parses these once accepting).
    const syn = i % 2 === 0 ? encodeUtpHeader({ type: ST_SYN, connectionId: i }) : encodeUtpHeader({ type: ST_SYN, connectionId: i, extension: 1 }, Uint8Array.from([2, 250, 1, 2]));
    flooders[i % flooders.length]!.send(syn, target.port, target.address);
    if (i % PACKETS_PER_TURN === PACKETS_PER_TURN - 1) await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(states, 8, 'exactly maxIncoming ST_SYN should have been answered');
  assert.deepEqual(accepted, [], 'a connection that sent no data was handed over');

  // The silent ones are dropped after incomingFirstDataMs (and libutp's next 500 ms sweep).
  await new Promise((r) => setTimeout(r, 1_000));
  const caller = own(utpNative(), (s) => new Promise<void>((r) => s.close(() => r())));
  await new Promise<void>((r) => caller.bind(0, '127.150.31.5', () => r()));
  const c = caller.connect(target.port, target.address);
  c.on('error', () => {});
  await once(c, 'connect');
  c.write(Buffer.from('hello'));
  const [reply] = (await once(c, 'data')) as [Buffer];
  assert.equal(reply.toString(), 'welcome');
  assert.deepEqual(accepted, ['127.150.31.5']);
  c.destroy();
});
