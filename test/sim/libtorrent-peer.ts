/**
 * A real libtorrent 2.0 peer in the loopback world (test/sim/libtorrent-peer.py under Debian's
 * python3-libtorrent): an implementation we did not write, seeding or downloading on its own
 * 127.x address, announced in the sim DHT, configured as real swarms are (plaintext only,
 * encryption enabled, encryption required, uTP only, TCP only). Tests ask it which peers came, how
 * (RC4, uTP) and how many bytes it sent each; the process is killed on close.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { TorrentFixture } from './fixtures.js';
import { LIBTORRENT_PYTHON, requireLibtorrent } from './require-tool.js';

export { LIBTORRENT_PYTHON, requireLibtorrent };

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'libtorrent-peer.py');

/**
 * How a peer is configured, as real swarms have them:
 * - plaintext: no MSE/PE at all (pe_disabled both ways)
 * - enabled: libtorrent's default (pe_enabled, plaintext or RC4)
 * - required: qBittorrent's "Require encryption" (pe_forced, RC4 only)
 * - utp-only: no TCP in or out
 * - tcp-only: no uTP in or out
 */
export type LibtorrentKind = 'plaintext' | 'enabled' | 'required' | 'utp-only' | 'tcp-only';
export const LIBTORRENT_KINDS: readonly LibtorrentKind[] = ['plaintext', 'enabled', 'required', 'utp-only', 'tcp-only'];

/** One remote address as libtorrent saw it, kept after the connection closed. */
export interface LibtorrentPeerInfo {
  ip: string;
  port: number;
  /** The torrent it came for ('' when it never got past the handshake). */
  infoHash: string;
  connected: boolean;
  /** It completed the BitTorrent handshake at least once. */
  handshake: boolean;
  /** libtorrent dialled it (rather than accepted it). */
  outgoing: boolean;
  /** At least one connection from it ran over uTP / was RC4-encrypted / had an MSE-obfuscated handshake with a plaintext payload. */
  utp: boolean;
  rc4: boolean;
  plaintextEncrypted: boolean;
  /** Every peer_info flag bit seen on it. */
  flagsSeen: number;
  /** Payload bytes libtorrent sent to / received from it (largest seen per connection). */
  uploaded: number;
  downloaded: number;
  client: string;
  /** libtorrent's connection_type: 0 a BitTorrent peer, 1 and 2 web seeds (null until a poll saw it connected). */
  connectionType: number | null;
  /** Connections it accepted from this address (incoming_connection_alert), with the socket type. */
  incoming: Array<{ s: number; socket: 'tcp' | 'utp' }>;
  /** Why libtorrent closed connections with it (peer_disconnected_alert). */
  disconnects: Array<{ s: number; reason: string }>;
  firstSeenS: number;
  lastSeenS: number;
}

export interface LibtorrentTorrentStatus {
  infoHash: string;
  state: string;
  progress: number;
  seeding: boolean;
  finished: boolean;
  payloadUploaded: number;
  payloadDownloaded: number;
  connections: number;
  announcingToDht: boolean;
}

export interface LibtorrentStatus {
  dhtNodes: number;
  dhtBootstrapped: boolean;
  uptimeS: number;
  torrents: LibtorrentTorrentStatus[];
}

/** A leecher's result: seconds from its start to its first verified piece and to the last byte. */
export interface LibtorrentFinish {
  infoHash: string;
  firstPieceS: number | null;
  doneS: number;
  bytes: number;
  peakRssKb: number;
}

export type LibtorrentEvent =
  | { event: 'ready'; host: string; port: number; kind: LibtorrentKind; mode: 'seed' | 'leech'; infoHashes: string[] }
  | { event: 'dht-bootstrapped' }
  | { event: 'first-piece'; infoHash: string; s: number }
  | ({ event: 'finished' } & LibtorrentFinish)
  | { event: 'timeout'; infoHash: string; s: number }
  | { event: 'error'; message: string };

export interface LibtorrentPeerOptions {
  kind: LibtorrentKind;
  /** Its own address: listen, DHT and outgoing connections all use it. */
  host: string;
  /** TCP and UDP listen port (default: any free one; the same number for both). */
  port?: number;
  /** Fixtures to seed, read where makeFixture wrote them. */
  seed?: readonly TorrentFixture[];
  /** A torrent to download instead (into a temp folder removed on close, unless saveDir is given). */
  leech?: { fixture: TorrentFixture; saveDir?: string; sequential?: boolean; deadlineS?: number };
  /** Upload cap in bytes/s for the whole session, loopback peers included (default: none). */
  uploadRateLimit?: number;
  /** DHT nodes (host:port) to bootstrap from; no DHT without them. */
  bootstrap?: readonly string[];
  /** Peers (host:port) to connect to directly, for worlds without a DHT. */
  peers?: readonly string[];
  /**
   * Address ranges (first, last) it neither dials nor accepts (libtorrent's IP filter): a seeder
   * learns the world's unusable peers from the DHT too, and its own dials to them would be
   * counted as the client's.
   */
  blockedRanges?: ReadonlyArray<readonly [string, string]>;
  /**
   * A throughput bench's source (seed mode): files checked at start rather than each piece on its
   * first request (which the first client to download would pay for), and no per-block alerts.
   */
  benchSeeder?: boolean;
  /** How long start-up (listen, file check) may take (default 20 s). */
  readyTimeoutMs?: number;
  /** Pass libtorrent's stderr through (default: kept and shown only when it fails). */
  verbose?: boolean;
}

export interface LibtorrentPeer {
  readonly kind: LibtorrentKind;
  readonly host: string;
  readonly port: number;
  readonly mode: 'seed' | 'leech';
  readonly infoHashes: readonly string[];
  readonly pid: number;
  /** Where a leecher writes its files (a seeder's is its first fixture's folder). */
  readonly saveDir: string;
  /** Every event printed so far, in order. */
  readonly events: readonly LibtorrentEvent[];
  peers(): Promise<LibtorrentPeerInfo[]>;
  /** The peers seen from one IP (a test client's --bind address). */
  peersFrom(ip: string): Promise<LibtorrentPeerInfo[]>;
  status(): Promise<LibtorrentStatus>;
  /** Announces every torrent in the DHT now (libtorrent's own round is every 15 minutes). */
  announce(): Promise<void>;
  setUploadLimit(bytesPerSec: number): Promise<void>;
  /** Applies libtorrent settings_pack values by libtorrent's own names (rejects naming a refused one). */
  applySettings(settings: Readonly<Record<string, number | boolean | string>>): Promise<void>;
  /** A leecher's finish; rejects when it timed out or exited first. */
  finished(): Promise<LibtorrentFinish>;
  close(): Promise<void>;
}

const QUIT_GRACE_MS = 3_000;

export async function startLibtorrentPeer(opts: LibtorrentPeerOptions): Promise<LibtorrentPeer> {
  requireLibtorrent();
  if (!!opts.seed?.length === !!opts.leech) throw new Error('startLibtorrentPeer: give either seed fixtures or one leech torrent');
  const mode = opts.leech ? 'leech' : 'seed';
  const ownSaveDir = opts.leech && !opts.leech.saveDir ? fs.mkdtempSync(path.join(os.tmpdir(), 'tl-libtorrent-')) : undefined;
  const saveDir = opts.leech ? (opts.leech.saveDir ?? ownSaveDir!) : opts.seed![0]!.dir;
  const torrents = opts.leech ? [{ torrent: opts.leech.fixture.torrentPath, save: saveDir }] : opts.seed!.map((f) => ({ torrent: f.torrentPath, save: f.dir }));
  const config = {
    mode,
    kind: opts.kind,
    host: opts.host,
    port: opts.port ?? 0,
    torrents,
    uploadRateLimit: opts.uploadRateLimit ?? 0,
    bootstrap: opts.bootstrap ?? [],
    peers: opts.peers ?? [],
    blockedRanges: opts.blockedRanges ?? [],
    sequential: opts.leech?.sequential ?? true,
    ...(opts.leech?.deadlineS ? { deadlineS: opts.leech.deadlineS } : {}),
    ...(opts.benchSeeder ? { benchSeeder: true } : {}),
  };
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(LIBTORRENT_PYTHON, [SCRIPT, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (opts.verbose) process.stderr.write(d);
    else stderr = (stderr + d.toString()).slice(-4000);
  });
  child.stdin.on('error', () => {});
  const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  const events: LibtorrentEvent[] = [];
  const eventWaiters = new Set<() => void>();
  let nextId = 1;
  const replies = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const what = `libtorrent ${opts.kind} ${mode}er on ${opts.host}`;
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof msg['reply'] === 'string' && typeof msg['id'] === 'number') {
      const waiter = replies.get(msg['id']);
      replies.delete(msg['id']);
      if (typeof msg['error'] === 'string') waiter?.reject(new Error(`${what}: ${msg['error']}`));
      else waiter?.resolve(msg);
      return;
    }
    if (typeof msg['event'] === 'string') {
      events.push(msg as unknown as LibtorrentEvent);
      for (const w of eventWaiters) w();
    }
  });
  void exited.then((code) => {
    for (const w of replies.values()) w.reject(new Error(`${what} exited (${code}) before answering: ${stderr.slice(-1500)}`));
    replies.clear();
    for (const w of eventWaiters) w();
  });

  const waitEvent = <T extends LibtorrentEvent>(pred: (e: LibtorrentEvent) => e is T, timeoutMs: number, waiting: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const found = events.find(pred);
        const err = events.find((e): e is Extract<LibtorrentEvent, { event: 'error' }> => e.event === 'error');
        if (found) done(() => resolve(found));
        else if (err) done(() => reject(new Error(`${what}: ${err.message}`)));
        else if (child.exitCode !== null || child.signalCode !== null) done(() => reject(new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before ${waiting}: ${stderr.slice(-1500)}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`${what}: no ${waiting} within ${timeoutMs} ms; stderr: ${stderr.slice(-1500)}`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        eventWaiters.delete(check);
        settle();
      };
      eventWaiters.add(check);
      check();
    });

  const command = (cmd: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> => {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`${what} has exited (${child.exitCode ?? child.signalCode}); cannot ask it ${cmd}; stderr: ${stderr.slice(-1500)}`));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      replies.set(id, { resolve, reject });
      child.stdin.write(`${JSON.stringify({ cmd, id, ...extra })}\n`);
    });
  };

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.write(`${JSON.stringify({ cmd: 'quit', id: 0 })}\n`);
        const timer = setTimeout(() => child.kill('SIGKILL'), QUIT_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      if (ownSaveDir) fs.rmSync(ownSaveDir, { recursive: true, force: true });
    })());

  let ready: Extract<LibtorrentEvent, { event: 'ready' }>;
  try {
    ready = await waitEvent((e): e is Extract<LibtorrentEvent, { event: 'ready' }> => e.event === 'ready', opts.readyTimeoutMs ?? 20_000, 'ready line');
  } catch (err) {
    await close();
    throw err;
  }

  return {
    kind: opts.kind,
    host: opts.host,
    port: ready.port,
    mode,
    infoHashes: ready.infoHashes,
    pid: child.pid!,
    saveDir,
    events,
    peers: async () => (await command('peers'))['peers'] as LibtorrentPeerInfo[],
    peersFrom: async (ip) => ((await command('peers'))['peers'] as LibtorrentPeerInfo[]).filter((p) => p.ip === ip),
    status: async () => {
      const r = await command('status');
      return { dhtNodes: r['dhtNodes'] as number, dhtBootstrapped: r['dhtBootstrapped'] as boolean, uptimeS: r['uptimeS'] as number, torrents: r['torrents'] as LibtorrentTorrentStatus[] };
    },
    announce: async () => void (await command('announce')),
    setUploadLimit: async (bytesPerSec) => void (await command('limit', { upload: bytesPerSec })),
    applySettings: async (settings) => void (await command('set', { settings })),
    finished: async () => {
      if (mode !== 'leech') throw new Error(`${what}: only a leecher finishes`);
      // The python side reports 'timeout' at deadlineS; this bound only covers a hung process.
      const boundMs = ((opts.leech?.deadlineS ?? 600) + 15) * 1000;
      const end = await waitEvent((e): e is Extract<LibtorrentEvent, { event: 'finished' | 'timeout' }> => e.event === 'finished' || e.event === 'timeout', boundMs, 'finish');
      if (end.event === 'timeout') {
        // Say what it had: a leecher that never met a peer and one whose peers failed need different fixes.
        const [status, peers] = await Promise.all([command('status').catch(() => null), command('peers').catch(() => null)]);
        throw new Error(`${what} did not finish within its deadline (${end.s} s); status ${JSON.stringify(status)}; peers ${JSON.stringify(peers?.['peers'] ?? null).slice(0, 3000)}`);
      }
      return end;
    },
    close,
  };
}
