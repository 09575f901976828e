/**
 * A fake Chromecast for tests: castv2 Server over TLS with the connection, heartbeat, receiver and
 * media namespaces of the Default Media Receiver, advertised as `_googlecast._tcp` over mDNS on
 * loopback. On LOAD it really GETs the media URL and counts the bytes it receives.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { Server, type CastPayload } from 'castv2';
import makeMdns from 'multicast-dns';
import { castProtocolReady } from '../../src/castv2-ready.js';
import { selfSignedCert } from './tls-cert.js';

const NS = {
  connection: 'urn:x-cast:com.google.cast.tp.connection',
  heartbeat: 'urn:x-cast:com.google.cast.tp.heartbeat',
  receiver: 'urn:x-cast:com.google.cast.receiver',
  media: 'urn:x-cast:com.google.cast.media',
} as const;
const DEFAULT_MEDIA_RECEIVER = 'CC1AD845';
const SERVICE = '_googlecast._tcp.local';
/** Stop reading the media after this many bytes: enough to prove the stream works. */
const MAX_FETCH_BYTES = 4 * 1024 * 1024;

export interface ReceivedMessage { namespace: string; sourceId: string; destinationId: string; data: Record<string, unknown> }

export interface FakeChromecastState {
  launched: boolean;
  playerState: 'IDLE' | 'BUFFERING' | 'PLAYING' | 'PAUSED';
  idleReason?: string;
  contentId?: string;
  currentTime: number;
  volume: number;
}

export interface FakeChromecast {
  id: string;
  name: string;
  host: string;
  port: number;
  received: ReceivedMessage[];
  fetchedBytes(): number;
  readonly state: FakeChromecastState;
  close(): Promise<void>;
}

export interface FakeChromecastOptions {
  host: string;
  name: string;
  port?: number;
  /** mDNS socket (default: loopback, as the tests need). */
  mdns?: { interface?: string; bind?: string; port?: number };
  /** Answer heartbeats (false simulates a device whose heartbeat dies). */
  answerPings?: boolean;
}

export async function startFakeChromecast(opts: FakeChromecastOptions): Promise<FakeChromecast> {
  await castProtocolReady();
  const id = randomBytes(16).toString('hex');
  const server = new Server(selfSignedCert());
  const received: ReceivedMessage[] = [];
  const session = { appId: DEFAULT_MEDIA_RECEIVER, sessionId: randomBytes(8).toString('hex'), transportId: `web-${randomBytes(3).toString('hex')}`, displayName: 'Default Media Receiver' };
  const state: FakeChromecastState = { launched: false, playerState: 'IDLE', currentTime: 0, volume: 1 };
  let playingSince = 0;
  let mediaSessionId = 0;
  let media: Record<string, unknown> | undefined;
  let bytes = 0;
  const fetches = new Set<http.ClientRequest>();

  const position = (): number => (state.playerState === 'PLAYING' ? state.currentTime + (Date.now() - playingSince) / 1000 : state.currentTime);
  const freeze = (): void => {
    state.currentTime = position();
    playingSince = Date.now();
  };
  const receiverStatus = (): Record<string, unknown> => ({
    applications: state.launched ? [session] : [],
    volume: { level: state.volume, muted: false },
  });
  const mediaStatus = (): Record<string, unknown>[] =>
    mediaSessionId === 0
      ? []
      : [{ mediaSessionId, playerState: state.playerState, ...(state.idleReason ? { idleReason: state.idleReason } : {}), currentTime: position(), media, volume: { level: state.volume, muted: false }, supportedMediaCommands: 15 }];

  const send = (clientId: string, from: string, to: string, namespace: string, data: Record<string, unknown>): void => {
    if (server.clients[clientId]) server.send(clientId, from, to, namespace, JSON.stringify(data));
  };

  function fetchMedia(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      let firstChunk = false;
      const req = http.get(url, { agent: false, localAddress: opts.host }, (res) => {
        if ((res.statusCode ?? 0) >= 400) {
          res.resume();
          reject(new Error(`media answered HTTP ${res.statusCode}`));
          return;
        }
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (!firstChunk) {
            firstChunk = true;
            resolve();
          }
          if (bytes >= MAX_FETCH_BYTES) req.destroy();
        });
        res.on('end', () => (firstChunk ? undefined : reject(new Error('media was empty'))));
        res.on('error', () => undefined);
      });
      fetches.add(req);
      req.on('close', () => fetches.delete(req));
      req.on('error', (err) => (firstChunk ? undefined : reject(err)));
    });
  }

  server.on('message', (clientId: string, sourceId: string, destinationId: string, namespace: string, payload: CastPayload) => {
    if (typeof payload !== 'string') return;
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(payload) as Record<string, unknown>;
    } catch {
      return;
    }
    received.push({ namespace, sourceId, destinationId, data });
    const reply = (body: Record<string, unknown>): void => send(clientId, destinationId, sourceId, namespace, { ...body, requestId: data.requestId });
    if (namespace === NS.heartbeat && data.type === 'PING') {
      if (opts.answerPings !== false) send(clientId, destinationId, sourceId, namespace, { type: 'PONG' });
      return;
    }
    if (namespace === NS.receiver) {
      if (data.type === 'LAUNCH' && data.appId === DEFAULT_MEDIA_RECEIVER) state.launched = true;
      else if (data.type === 'LAUNCH') return reply({ type: 'LAUNCH_ERROR', reason: 'NOT_FOUND' });
      else if (data.type === 'SET_VOLUME') {
        const level = (data.volume as { level?: unknown } | undefined)?.level;
        if (typeof level === 'number') state.volume = Math.min(1, Math.max(0, level));
      } else if (data.type === 'STOP') {
        state.launched = false;
        mediaSessionId = 0;
      } else if (data.type !== 'GET_STATUS') return reply({ type: 'INVALID_REQUEST', reason: 'INVALID_COMMAND' });
      return reply({ type: 'RECEIVER_STATUS', status: receiverStatus() });
    }
    if (namespace !== NS.media) return;
    if (!state.launched || destinationId !== session.transportId) return reply({ type: 'INVALID_REQUEST', reason: 'INVALID_PLAYER_STATE' });
    if (data.type === 'GET_STATUS') return reply({ type: 'MEDIA_STATUS', status: mediaStatus() });
    if (data.type === 'LOAD') {
      media = data.media as Record<string, unknown>;
      const url = typeof media?.contentId === 'string' ? media.contentId : '';
      state.contentId = url;
      state.playerState = 'BUFFERING';
      // A real receiver drops the old stream when it loads a new one.
      for (const req of fetches) req.destroy();
      state.currentTime = typeof data.currentTime === 'number' ? data.currentTime : 0;
      mediaSessionId += 1;
      fetchMedia(url).then(
        () => {
          state.playerState = data.autoplay === false ? 'PAUSED' : 'PLAYING';
          delete state.idleReason;
          playingSince = Date.now();
          reply({ type: 'MEDIA_STATUS', status: mediaStatus() });
        },
        () => {
          state.playerState = 'IDLE';
          state.idleReason = 'ERROR';
          reply({ type: 'LOAD_FAILED' });
        },
      );
      return;
    }
    if (data.mediaSessionId !== mediaSessionId) return reply({ type: 'INVALID_REQUEST', reason: 'INVALID_MEDIA_SESSION_ID' });
    if (data.type === 'PAUSE') {
      freeze();
      state.playerState = 'PAUSED';
    } else if (data.type === 'PLAY') {
      freeze();
      state.playerState = 'PLAYING';
    } else if (data.type === 'SEEK' && typeof data.currentTime === 'number') {
      state.currentTime = data.currentTime;
      playingSince = Date.now();
    } else if (data.type === 'STOP') {
      state.playerState = 'IDLE';
      state.idleReason = 'CANCELLED';
      state.currentTime = 0;
      for (const req of fetches) req.destroy();
    } else return reply({ type: 'INVALID_REQUEST', reason: 'INVALID_COMMAND' });
    reply({ type: 'MEDIA_STATUS', status: mediaStatus() });
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host, resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const instance = `${opts.name.replace(/[^A-Za-z0-9-]/g, '-')}-${id}.${SERVICE}`;
  const target = `${id}.local`;
  const mdns = makeMdns({ interface: '127.0.0.1', bind: '0.0.0.0', ...opts.mdns, reuseAddr: true, loopback: true });
  mdns.on('error', () => undefined);
  const announce = (): void =>
    mdns.respond({
      answers: [{ name: SERVICE, type: 'PTR', ttl: 120, data: instance }],
      additionals: [
        { name: instance, type: 'SRV', ttl: 120, data: { port, target, priority: 0, weight: 0 } },
        { name: instance, type: 'TXT', ttl: 120, data: [`id=${id}`, `fn=${opts.name}`, 'md=Chromecast', 've=05', 'ca=4101', 'st=0'] },
        { name: target, type: 'A', ttl: 120, data: opts.host },
      ],
    });
  mdns.on('query', (query: { questions?: Array<{ name: string; type: string }> }) => {
    if ((query.questions ?? []).some((q) => q.name.toLowerCase() === SERVICE && (q.type === 'PTR' || q.type === 'ANY'))) announce();
  });
  await new Promise<void>((resolve) => mdns.once('ready', () => resolve()));
  announce();

  return {
    id,
    name: opts.name,
    host: opts.host,
    port,
    received,
    fetchedBytes: () => bytes,
    get state() {
      return { ...state, currentTime: position() };
    },
    close: async () => {
      for (const req of fetches) req.destroy();
      await new Promise<void>((resolve) => mdns.destroy(() => resolve()));
      await new Promise<void>((resolve) => {
        server.server.once('close', () => resolve());
        server.close();
        for (const c of Object.values(server.clients)) c.socket.destroy();
      });
    },
  };
}
