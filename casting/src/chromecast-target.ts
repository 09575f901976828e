/** Drives a Chromecast through castv2-client and the Default Media Receiver, reconnecting after a heartbeat loss. */
import { Client, DefaultMediaReceiver, type MediaStatus, type ReceiverStatus } from 'castv2-client';
import { castProtocolReady } from './castv2-ready.js';
import { playerStateToCastState } from './status-map.js';
import { withTimeout } from './with-timeout.js';
import { CastError, type CastStatus, type CastTarget, type DeviceInfo, type MediaSpec } from './types.js';

type Cb<T> = (err: Error | null, value: T) => void;

export function chromecastLoadMessage(media: MediaSpec): { media: Record<string, unknown>; options: Record<string, unknown> } {
  const tracks = (media.subtitles ?? []).map((s, i) => ({
    trackId: i + 1,
    type: 'TEXT',
    subtype: 'SUBTITLES',
    trackContentId: s.url,
    trackContentType: 'text/vtt',
    name: s.label,
    language: s.language,
  }));
  const metadata: Record<string, unknown> = { type: 0, metadataType: 0, title: media.title };
  if (media.posterUrl) metadata.images = [{ url: media.posterUrl }];
  const body: Record<string, unknown> = { contentId: media.url, contentType: media.contentType, streamType: 'BUFFERED', metadata };
  if (media.durationSeconds) body.duration = media.durationSeconds;
  if (tracks.length) {
    body.tracks = tracks;
    body.textTrackStyle = { backgroundColor: '#00000000', foregroundColor: '#FFFFFFFF', edgeType: 'OUTLINE', edgeColor: '#000000FF' };
  }
  return { media: body, options: { autoplay: true, currentTime: 0, activeTrackIds: tracks.length ? [1] : [] } };
}

export async function connectChromecast(device: DeviceInfo, timeoutMs: number): Promise<CastTarget> {
  await castProtocolReady();
  let client: Client | undefined;
  let player: DefaultMediaReceiver | undefined;
  let loaded = false;
  let closed = false;

  const call = <T>(what: string, fn: (cb: Cb<T>) => void): Promise<T> =>
    withTimeout(
      new Promise<T>((resolve, reject) => {
        try {
          fn((err, value) => (err ? reject(new CastError('E_DEVICE_REFUSED', `${device.name}: ${what} failed: ${err.message}`, { cause: err })) : resolve(value)));
        } catch (err) {
          // castv2 throws synchronously when its socket is already gone.
          dropConnection();
          reject(new CastError('E_DEVICE_UNREACHABLE', `${device.name} (${device.address}:${device.port}): connection lost before ${what}; try again`, { cause: err }));
        }
      }),
      timeoutMs,
      `${device.name} (${device.address}:${device.port}) ${what}`,
    );

  const dropConnection = (): void => {
    const c = client;
    client = undefined;
    player = undefined;
    try {
      c?.close();
    } catch {
      // already closed
    }
  };

  async function ensureClient(): Promise<Client> {
    if (closed) throw new CastError('E_DEVICE_UNREACHABLE', `${device.name}: this connection was closed`);
    if (client) return client;
    const c = new Client();
    const opened = new Promise<void>((resolve, reject) => {
      c.once('error', (err: Error & { code?: string }) =>
        reject(new CastError(err.code === 'ECONNREFUSED' ? 'E_DEVICE_REFUSED' : 'E_DEVICE_UNREACHABLE', `${device.name} (${device.address}:${device.port}): ${err.message}`, { cause: err })),
      );
      c.connect({ host: device.address, port: device.port }, () => resolve());
    });
    try {
      await withTimeout(opened, timeoutMs, `${device.name} (${device.address}:${device.port}) connection`, () => {
        try {
          c.close();
        } catch {
          // socket never opened
        }
      });
    } catch (err) {
      try {
        c.close();
      } catch {
        // nothing to close
      }
      throw err;
    }
    // Heartbeat loss or a dropped socket: forget this client; the next command reconnects.
    c.on('error', () => {
      if (client === c) dropConnection();
    });
    // castv2-client's sender never emits 'close' itself: watch the castv2 connection underneath.
    c.client?.once('close', () => {
      if (client === c) {
        client = undefined;
        player = undefined;
      }
    });
    client = c;
    return c;
  }

  async function ensurePlayer(launch: boolean): Promise<DefaultMediaReceiver | undefined> {
    const c = await ensureClient();
    if (player) return player;
    const sessions = await call<ReceiverStatus>('receiver status', (cb) => c.getStatus(cb));
    const existing = (sessions.applications ?? []).find((s) => s.appId === DefaultMediaReceiver.APP_ID);
    if (existing) player = await call<DefaultMediaReceiver>('join', (cb) => c.join(existing, DefaultMediaReceiver, cb));
    else if (launch) player = await call<DefaultMediaReceiver>('launch of the media receiver', (cb) => c.launch(DefaultMediaReceiver, cb));
    if (player) {
      loaded = false; // a new application object has no media session yet
      const p = player;
      p.on('close', () => {
        if (player === p) player = undefined;
      });
    }
    return player;
  }

  async function session(what: string): Promise<DefaultMediaReceiver> {
    const p = await ensurePlayer(false);
    if (!p) throw new CastError('E_DEVICE_REFUSED', `${device.name}: nothing is playing; cast something before "${what}"`);
    if (!loaded) {
      // Joined an existing session: learn its media session id first.
      await call<MediaStatus | undefined>('media status', (cb) => p.getStatus(cb));
      loaded = true;
    }
    return p;
  }

  // Proves the device speaks Cast before we hand out a target.
  const first = await ensureClient();
  try {
    await call<ReceiverStatus>('receiver status', (cb) => first.getStatus(cb));
  } catch (err) {
    dropConnection();
    throw err;
  }

  return {
    device,
    async load(media) {
      const p = await ensurePlayer(true);
      if (!p) throw new CastError('E_DEVICE_REFUSED', `${device.name}: could not start the media receiver`);
      const { media: body, options } = chromecastLoadMessage(media);
      await call<MediaStatus>('LOAD', (cb) => p.load(body, options, cb));
      loaded = true;
    },
    async play() {
      const p = await session('play');
      await call<MediaStatus>('PLAY', (cb) => p.play(cb));
    },
    async pause() {
      const p = await session('pause');
      await call<MediaStatus>('PAUSE', (cb) => p.pause(cb));
    },
    async stop() {
      const p = await session('stop');
      await call<MediaStatus>('STOP', (cb) => p.stop(cb));
    },
    async seek(seconds) {
      if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`seek position must be a number of seconds >= 0, got ${seconds}`);
      const p = await session('seek');
      await call<MediaStatus>('SEEK', (cb) => p.seek(seconds, cb));
    },
    async setVolume(level) {
      if (!Number.isFinite(level) || level < 0 || level > 1) throw new RangeError(`volume must be between 0 and 1, got ${level}`);
      const c = await ensureClient();
      await call('SET_VOLUME', (cb) => c.setVolume({ level }, cb));
    },
    async status(): Promise<CastStatus> {
      const c = await ensureClient();
      const receiver = await call<ReceiverStatus>('receiver status', (cb) => c.getStatus(cb));
      const volume = receiver.volume?.level ?? 1;
      const p = await ensurePlayer(false);
      if (!p) return { state: 'idle', positionSeconds: 0, durationSeconds: 0, volume };
      const media = await call<MediaStatus | undefined>('media status', (cb) => p.getStatus(cb));
      if (!media) return { state: 'idle', positionSeconds: 0, durationSeconds: 0, volume };
      const state = playerStateToCastState(media.playerState, media.idleReason);
      const result: CastStatus = { state, positionSeconds: media.currentTime ?? 0, durationSeconds: media.media?.duration ?? 0, volume };
      if (state === 'error') result.error = `receiver reported ${media.playerState ?? 'no state'} (${media.idleReason ?? 'no reason'})`;
      return result;
    },
    async close() {
      closed = true;
      dropConnection();
    },
  };
}
