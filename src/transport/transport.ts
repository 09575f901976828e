/**
 * The transport room (docs/ARCHITECTURE.md): how bytes reach a peer. The engine asks a Transport
 * to dial a peer and gets a connected duplex stream back; it never knows whether that is TCP, uTP
 * or (later) a proxy. Encryption (MSE/PE) runs on top of whatever stream a transport returns.
 */
import type { Duplex } from 'node:stream';

export type TransportName = 'tcp' | 'utp';

export interface DialTarget {
  host: string;
  port: number;
}

export interface DialOptions {
  /** Give up when the transport's own handshake (TCP SYN/ACK, uTP ST_SYN/ST_STATE) is not done by then. */
  timeoutMs: number;
  /** Aborting cancels the dial (its socket is destroyed) and rejects with kind 'aborted'. */
  signal?: AbortSignal | undefined;
}

/** Why a dial failed: 'refused' and 'reset' come back at once; 'timeout' is a silent peer (NAT, gone). */
export type DialFailure = 'refused' | 'timeout' | 'unreachable' | 'reset' | 'aborted' | 'closed';

export class DialError extends Error {
  readonly kind: DialFailure;
  readonly transport: TransportName;

  constructor(transport: TransportName, kind: DialFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DialError';
    this.transport = transport;
    this.kind = kind;
  }
}

export interface Transport {
  readonly name: TransportName;
  /**
   * A connected stream to the peer, or a DialError. The stream is a plain byte pipe: destroying it
   * closes the connection, 'close' fires once whatever the cause.
   */
  dial(target: DialTarget, opts: DialOptions): Promise<Duplex>;
  /** Closes every socket the transport owns (a uTP transport owns one UDP socket). */
  close(): Promise<void>;
}
