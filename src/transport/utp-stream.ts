/**
 * A node:stream Duplex over one utp-native connection, so the engine gets the same stream
 * semantics from uTP as from a net.Socket. utp-native's own connection is a readable-stream@3
 * Duplex with three habits the engine must not see: destroy() reports 'close' only after libutp's
 * FIN exchange (up to ~31 s when the peer is gone), a write on a destroyed connection never calls
 * back, and reads have no backpressure (libutp always advertises a full window).
 */
import { Duplex } from 'node:stream';

/** The part of a utp-native connection this wrapper uses (a fake stands in for it in unit tests). */
export interface UtpConnectionLike {
  readonly destroyed: boolean;
  write(chunk: Uint8Array, callback: (err?: Error | null) => void): boolean;
  end(): void;
  destroy(err?: Error): void;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'end' | 'close', listener: () => void): this;
  on(event: 'error', listener: (err: Error & { code?: string }) => void): this;
}

export interface UtpStreamOptions {
  /** Names the connection in error messages, e.g. '127.0.0.5:6881'. */
  peer: string;
  /**
   * Received bytes the reader has not taken yet, beyond which the connection is dropped: utp-native
   * cannot slow the sender, so without a cap a peer could fill memory while our reader is paused.
   */
  maxUnreadBytes: number;
}

export class UtpStream extends Duplex {
  readonly #inner: UtpConnectionLike;
  readonly #peer: string;
  /** The in-flight write's callback: called by the inner write, or failed if the inner closes first. */
  #pendingWrite: ((err?: Error | null) => void) | null = null;

  constructor(inner: UtpConnectionLike, opts: UtpStreamOptions) {
    // allowHalfOpen false, as net.Socket: when the peer ends, our side ends too.
    super({ allowHalfOpen: false });
    this.#inner = inner;
    this.#peer = opts.peer;
    inner.on('data', (chunk) => {
      if (this.destroyed) return;
      this.push(chunk);
      if (this.readableLength > opts.maxUnreadBytes) {
        this.destroy(
          new Error(
            `uTP ${this.#peer}: ${this.readableLength} bytes received and not read (limit ${opts.maxUnreadBytes}); ` +
              'the connection is dropped because utp-native cannot slow the sender down: read the stream promptly',
          ),
        );
      }
    });
    inner.on('end', () => {
      if (!this.destroyed) this.push(null);
    });
    inner.on('error', (err) => {
      const why = err.code === 'UTP_ECONNRESET' ? 'reset by the peer' : err.code === 'UTP_ETIMEDOUT' ? 'timed out (the peer stopped acknowledging)' : err.message;
      this.destroy(new Error(`uTP ${this.#peer}: connection ${why}`, { cause: err }));
    });
    inner.on('close', () => {
      this.#failPendingWrite();
      // The peer's FIN was already turned into 'end'; a close without one is an abrupt end.
      if (!this.destroyed) this.destroy();
    });
  }

  override _read(): void {
    // Nothing to ask for: utp-native pushes data as packets arrive (see maxUnreadBytes).
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    let done = false;
    const finish = (err?: Error | null): void => {
      if (done) return;
      done = true;
      this.#pendingWrite = null;
      callback(err ?? null);
    };
    this.#pendingWrite = finish;
    this.#inner.write(chunk, finish);
  }

  override _final(callback: (err?: Error | null) => void): void {
    // Sends our FIN; libutp keeps delivering what is queued before it.
    this.#inner.end();
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.#failPendingWrite();
    if (!this.#inner.destroyed) this.#inner.destroy();
    callback(err);
  }

  #failPendingWrite(): void {
    this.#pendingWrite?.(new Error(`uTP ${this.#peer}: connection closed before the write was sent`));
  }
}
