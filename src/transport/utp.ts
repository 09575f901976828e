/**
 * The uTP transport (BEP 29) over utp-native (libutp). One UDP socket, bound to --bind, carries
 * every dial. A freerider accepts nothing: libutp drops incoming ST_SYN without an answer. With
 * `acceptIncoming` (--no-freerider) a capped number of incoming connections are handed over once
 * the remote has sent its first bytes.
 *
 * What libutp does that shapes this file (measured on loopback, see the tests):
 * - A closed port and a silent host look the same: no answer (the ICMP error never reaches
 *   libuv's unconnected socket), so both end in 'timeout'. 'refused' needs a ST_RESET answer.
 * - A half-open incoming connection (ST_SYN, then nothing) never times out in libutp: it has no
 *   data in flight to retransmit, so we give it INCOMING_FIRST_DATA_MS.
 * - utp-native opens the firewall whenever any connection closes; we close it again at once.
 * - Closing a connection whose peer vanished takes libutp ~31 s of FIN retransmissions, and the
 *   UDP socket closes only after its last connection: close() waits CLOSE_WAIT_MS at most and
 *   leaves the rest to finish unreferenced.
 * - Every non-SYN packet with an unknown connection id gets a ST_RESET back (libutp, at most
 *   ~1,000 per 10 s), so a scanner can see a uTP stack on our port even in freerider mode.
 */
import type { Duplex } from 'node:stream';
import utpNative, { type Connection, type Socket } from 'utp-native';
import { DialError, type DialOptions, type DialTarget, type Transport } from './transport.js';
import { bindAddressProblem, dialFailureFromUtpError, dialTargetProblem, shouldBlockIncoming } from './utp-rules.js';
import { UtpStream } from './utp-stream.js';

/** See UtpStreamOptions.maxUnreadBytes: well above a full request pipeline (~250 × 16 KiB). */
export const MAX_UNREAD_BYTES = 16 * 1024 * 1024;
/** Incoming connections alive at once (each costs utp-native a 128 KiB buffer). */
export const DEFAULT_MAX_INCOMING = 32;
/** An incoming connection that sends nothing for this long after its ST_SYN is dropped (a BitTorrent peer sends its handshake at once). */
export const INCOMING_FIRST_DATA_MS = 10_000;
/**
 * Kernel buffers asked for the UDP socket. With Linux's default 208 KiB receive buffer, libutp's
 * window overruns it on a fast path, packets drop and LEDBAT backs off: a 32 MiB loopback
 * download ran at ~17 MiB/s, ~80 MiB/s with 4 MiB. The kernel caps the request at
 * net.core.rmem_max / wmem_max without an error, so on a default system this changes nothing.
 */
export const UDP_BUFFER_BYTES = 4 * 1024 * 1024;
/** How long close() waits for libutp's FIN exchanges before it resolves anyway. */
export const CLOSE_WAIT_MS = 1_000;

export interface UtpTransportOptions {
  /** The --bind address; undefined or '0.0.0.0' binds all IPv4 addresses. */
  bindAddress?: string | undefined;
  /** UDP port; 0 or undefined = any free port. */
  port?: number | undefined;
  /** --no-freerider: receives each incoming connection once its first bytes arrived. Absent: incoming is refused. */
  acceptIncoming?: ((stream: Duplex, remote: { host: string; port: number }) => void) | undefined;
  /** Incoming connections alive at once; past it new ST_SYN are dropped. Default DEFAULT_MAX_INCOMING. */
  maxIncoming?: number | undefined;
  /** How long an incoming connection may stay silent after its ST_SYN. Default INCOMING_FIRST_DATA_MS. */
  incomingFirstDataMs?: number | undefined;
  /** Non-fatal trouble (a socket read error, an incoming connection that got through the firewall). */
  onWarning?: ((message: string) => void) | undefined;
}

export interface UtpTransport extends Transport {
  readonly name: 'utp';
  /** The bound UDP address (what peers see as our uTP endpoint). */
  address(): { address: string; port: number };
}

export async function createUtpTransport(opts: UtpTransportOptions = {}): Promise<UtpTransport> {
  const problem = bindAddressProblem(opts.bindAddress);
  if (problem) throw new Error(problem);
  const socket = utpNative();
  const host = opts.bindAddress ?? '0.0.0.0';
  const port = opts.port ?? 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      socket.once('error', onError);
      socket.bind(port, host, () => {
        socket.off('error', onError);
        resolve();
      });
    });
  } catch (err) {
    socket.close();
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`uTP cannot bind UDP ${host}:${port}: ${why}; check that --bind names an address of this machine and the port is free`, { cause: err });
  }
  try {
    socket.setRecvBufferSize(UDP_BUFFER_BYTES);
    socket.setSendBufferSize(UDP_BUFFER_BYTES);
  } catch (err) {
    opts.onWarning?.(`uTP: could not enlarge the UDP buffers (${err instanceof Error ? err.message : String(err)}); downloads over uTP will be slower`);
  }
  return new UtpSocketTransport(socket, opts);
}

interface PendingDial {
  connection: Connection;
  fail(kind: 'closed', message: string): void;
}

class UtpSocketTransport implements UtpTransport {
  readonly name = 'utp' as const;
  readonly #socket: Socket;
  readonly #acceptIncoming: UtpTransportOptions['acceptIncoming'];
  readonly #maxIncoming: number;
  readonly #incomingFirstDataMs: number;
  readonly #warn: (message: string) => void;
  readonly #pending = new Set<PendingDial>();
  /** Open streams handed out (dialled or accepted): close() destroys them. */
  readonly #streams = new Set<UtpStream>();
  /** Incoming libutp connections not yet closed, handed over or not: the count the firewall caps. */
  readonly #incoming = new Set<Connection>();
  /** Set when close() is first called: no more dials, incoming refused. */
  #closing = false;
  #closed: Promise<void> | null = null;
  /** close() is waiting for the socket: it must hold the event loop meanwhile. */
  #holdForClose = false;
  /** utp-native's socket has emitted 'close': its handle is gone and ref()/unref() would throw. */
  #socketClosed = false;

  constructor(socket: Socket, opts: UtpTransportOptions) {
    this.#socket = socket;
    this.#acceptIncoming = opts.acceptIncoming;
    this.#maxIncoming = opts.maxIncoming ?? DEFAULT_MAX_INCOMING;
    this.#incomingFirstDataMs = opts.incomingFirstDataMs ?? INCOMING_FIRST_DATA_MS;
    this.#warn = opts.onWarning ?? (() => {});
    socket.on('error', (err) => this.#warn(`uTP socket ${this.#describeSelf()}: ${err.message}`));
    socket.on('connection', (connection) => this.#onIncoming(connection));
    socket.once('close', () => {
      this.#socketClosed = true;
    });
    this.#refresh();
  }

  address(): { address: string; port: number } {
    const a = this.#socket.address();
    return { address: a.address, port: a.port };
  }

  dial(target: DialTarget, opts: DialOptions): Promise<Duplex> {
    const peer = `${target.host}:${target.port}`;
    if (this.#closing) return Promise.reject(new DialError('utp', 'closed', `uTP dial to ${peer}: the transport is closed`));
    const problem = dialTargetProblem(target);
    if (problem) return Promise.reject(new DialError('utp', 'unreachable', problem));
    if (opts.signal?.aborted) return Promise.reject(new DialError('utp', 'aborted', `uTP dial to ${peer} aborted before it started`));

    return new Promise<Duplex>((resolve, reject) => {
      const connection = this.#socket.connect(target.port, target.host);
      let settled = false;
      const settle = (): void => {
        settled = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        this.#pending.delete(pending);
        this.#refresh();
      };
      const fail = (kind: DialError['kind'], message: string, cause?: unknown): void => {
        if (settled) return;
        settle();
        connection.destroy();
        reject(new DialError('utp', kind, message, cause === undefined ? undefined : { cause }));
      };
      const pending: PendingDial = { connection, fail };
      const onAbort = (): void => fail('aborted', `uTP dial to ${peer} aborted`);
      // The socket is referenced while a dial is pending; the timer need not hold the process too.
      const timer = setTimeout(() => fail('timeout', `uTP dial to ${peer}: no ST_STATE answer to our ST_SYN within ${opts.timeoutMs} ms (a silent host and a closed UDP port look the same)`), opts.timeoutMs);
      timer.unref();
      opts.signal?.addEventListener('abort', onAbort, { once: true });

      // Stays for the connection's life: utp-native throws an unhandled 'error' out of libutp's callback otherwise.
      connection.on('error', (err) => {
        if (settled) return;
        const kind = dialFailureFromUtpError(err.code);
        const why = kind === 'refused' ? 'the peer answered our ST_SYN with ST_RESET' : kind === 'timeout' ? 'libutp gave up after resending ST_SYN' : err.message;
        fail(kind, `uTP dial to ${peer}: ${why}`, err);
      });
      connection.once('close', () => {
        this.#refresh();
        fail('closed', `uTP dial to ${peer}: the connection closed before it was established`);
      });
      connection.once('connect', () => {
        if (settled) return;
        settle();
        resolve(this.#adopt(connection, peer));
      });
      this.#pending.add(pending);
      this.#refresh();
    });
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closing = true;
      this.#closed = this.#close();
    }
    return this.#closed;
  }

  async #close(): Promise<void> {
    const socketClosed = new Promise<void>((resolve) => this.#socket.once('close', () => resolve()));
    for (const pending of [...this.#pending]) pending.fail('closed', `uTP dial to ${pending.connection.remoteAddress}:${pending.connection.remotePort}: the transport was closed`);
    for (const stream of [...this.#streams]) stream.destroy();
    for (const connection of [...this.#incoming]) connection.destroy();
    this.#socket.close();
    // libutp finishes the teardown from its own (unreferenced) timer: hold the process for the
    // wait, or it could exit with close() pending. Past the wait, a FIN to a vanished peer may go
    // on for ~31 s; it no longer holds the process.
    this.#holdForClose = true;
    this.#refresh();
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_WAIT_MS);
    });
    await Promise.race([socketClosed, waited]);
    clearTimeout(timer);
    this.#holdForClose = false;
    this.#refresh();
  }

  /** Wraps an established connection and tracks it until it closes. */
  #adopt(connection: Connection, peer: string): UtpStream {
    const stream = new UtpStream(connection, { peer, maxUnreadBytes: MAX_UNREAD_BYTES });
    this.#streams.add(stream);
    stream.once('close', () => {
      this.#streams.delete(stream);
      this.#refresh();
    });
    this.#refresh();
    return stream;
  }

  #onIncoming(connection: Connection): void {
    const peer = `${connection.remoteAddress}:${connection.remotePort}`;
    connection.on('error', () => {
      // Its end is handled through 'close'; an accepted one reports through its UtpStream.
    });
    connection.once('close', () => {
      this.#incoming.delete(connection);
      this.#refresh();
    });
    const accept = this.#acceptIncoming;
    if (!accept || this.#closing || this.#incoming.size >= this.#maxIncoming) {
      // libutp's firewall should have dropped its ST_SYN; should one slip through, it gets nothing.
      if (!accept) this.#warn(`uTP: an incoming connection from ${peer} got past the freerider firewall; closed at once`);
      connection.destroy();
      return;
    }
    this.#incoming.add(connection);
    this.#refresh();
    const firstData = setTimeout(() => connection.destroy(), this.#incomingFirstDataMs);
    firstData.unref();
    connection.once('close', () => clearTimeout(firstData));
    // utp-native emits 'connect' for an incoming connection with its first data, before that data.
    connection.once('connect', () => {
      clearTimeout(firstData);
      if (this.#closing) return;
      const stream = this.#adopt(connection, peer);
      try {
        accept(stream, { host: connection.remoteAddress, port: connection.remotePort });
      } catch (err) {
        stream.destroy();
        this.#warn(`uTP: acceptIncoming threw for ${peer}: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
  }

  /**
   * Applies the firewall decision and holds the event loop only while a dial or stream is open.
   * Runs after every connection's 'close' too: utp-native has just opened the firewall then, and
   * nothing else happens between its doing so and this listener.
   */
  #refresh(): void {
    if (this.#socketClosed) return;
    const closing = this.#closing;
    this.#socket.firewall(shouldBlockIncoming({ closing, accepting: this.#acceptIncoming !== undefined, incoming: this.#incoming.size, maxIncoming: this.#maxIncoming }));
    if (this.#holdForClose || (!closing && (this.#pending.size > 0 || this.#streams.size > 0))) this.#socket.ref();
    else this.#socket.unref();
  }

  #describeSelf(): string {
    try {
      const a = this.#socket.address();
      return `${a.address}:${a.port}`;
    } catch {
      return '(unbound)';
    }
  }
}
