declare module 'castv2-client' {
  import { EventEmitter } from 'node:events';

  export type Callback<T> = (err: Error | null, result: T) => void;

  export interface CastSession { sessionId: string; appId: string; transportId: string; displayName?: string }
  export interface ReceiverVolume { level?: number; muted?: boolean }
  export interface ReceiverStatus { applications?: CastSession[]; volume?: ReceiverVolume }
  export interface MediaStatus {
    mediaSessionId?: number;
    playerState?: string;
    idleReason?: string;
    currentTime?: number;
    media?: { duration?: number; contentId?: string };
    volume?: ReceiverVolume;
  }

  export class DefaultMediaReceiver extends EventEmitter {
    static APP_ID: string;
    session: CastSession;
    load(media: Record<string, unknown>, options: Record<string, unknown>, callback: Callback<MediaStatus>): void;
    getStatus(callback: Callback<MediaStatus | undefined>): void;
    play(callback: Callback<MediaStatus>): void;
    pause(callback: Callback<MediaStatus>): void;
    stop(callback: Callback<MediaStatus>): void;
    seek(currentTime: number, callback: Callback<MediaStatus>): void;
    close(): void;
  }

  export class Client extends EventEmitter {
    /** The castv2 connection underneath; emits 'close' when the socket goes away (null after close). */
    client: EventEmitter | null;
    connect(options: { host: string; port?: number }, callback: () => void): void;
    close(): void;
    getStatus(callback: Callback<ReceiverStatus>): void;
    getSessions(callback: Callback<CastSession[]>): void;
    launch(app: typeof DefaultMediaReceiver, callback: Callback<DefaultMediaReceiver>): void;
    join(session: CastSession, app: typeof DefaultMediaReceiver, callback: Callback<DefaultMediaReceiver>): void;
    setVolume(volume: ReceiverVolume, callback: Callback<ReceiverVolume>): void;
    getVolume(callback: Callback<ReceiverVolume>): void;
  }
}
