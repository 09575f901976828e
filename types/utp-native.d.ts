declare module 'utp-native' {
  import { EventEmitter } from 'node:events';

  export interface Options {
    /** Default true: a connection stays writable after the remote's FIN. */
    allowHalfOpen?: boolean;
  }

  export interface AddressInfo {
    address: string;
    family: 'IPv4';
    port: number;
  }

  /**
   * One uTP connection. It is a readable-stream@3 Duplex, not a node:stream one: `destroy()`
   * closes through libutp and 'close' comes later (after the FIN exchange, up to ~31 s when the
   * remote is gone); reads have no backpressure (data is pushed as packets arrive); a write on a
   * destroyed connection never calls back.
   */
  export interface Connection extends EventEmitter {
    readonly remoteAddress: string;
    readonly remotePort: number;
    readonly destroyed: boolean;
    address(): AddressInfo | null;
    write(chunk: Uint8Array, callback?: (err?: Error | null) => void): boolean;
    end(callback?: () => void): void;
    destroy(err?: Error): void;
    setTimeout(ms: number, onTimeout?: () => void): void;
    /** Outgoing: the remote's ST_STATE answered our ST_SYN. Incoming: the remote's first data. */
    on(event: 'connect', listener: () => void): this;
    on(event: 'data', listener: (chunk: Buffer) => void): this;
    on(event: 'end' | 'finish' | 'close' | 'timeout', listener: () => void): this;
    /** `code` is UTP_ECONNREFUSED (ST_RESET to our SYN), UTP_ECONNRESET, UTP_ETIMEDOUT or UTP_UNKNOWN. */
    on(event: 'error', listener: (err: Error & { code?: string; errno?: number }) => void): this;
    once(event: 'connect', listener: () => void): this;
    once(event: 'end' | 'finish' | 'close' | 'timeout', listener: () => void): this;
    once(event: 'error', listener: (err: Error & { code?: string; errno?: number }) => void): this;
  }

  /** One UDP socket running libutp; it dials out and (unless firewalled) accepts. IPv4 only. */
  export interface Socket extends EventEmitter {
    readonly connections: Connection[];
    /** 0 = no limit. Reaching it firewalls the socket; any connection closing re-opens it. */
    maxConnections: number;
    bind(port?: number, host?: string, onListening?: () => void): void;
    /** bind() and firewall(false). */
    listen(port?: number, host?: string, onListening?: () => void): void;
    /**
     * true: libutp drops incoming ST_SYN silently. The state starts blocked, but utp-native sets
     * it to false whenever any connection closes (see lib/connection.js _onclose).
     */
    firewall(block: boolean): void;
    connect(port: number, host?: string): Connection;
    address(): AddressInfo;
    /** Resolves ('close') only once every connection has closed. */
    close(onClose?: () => void): void;
    /** Kernel SO_RCVBUF / SO_SNDBUF (Linux caps them at rmem_max / wmem_max and reports double). */
    setRecvBufferSize(bytes: number): number;
    setSendBufferSize(bytes: number): number;
    getRecvBufferSize(): number;
    ref(): void;
    unref(): void;
    send(buf: Uint8Array, offset: number, len: number, port: number, host: string, callback?: (err: Error | null) => void): void;
    on(event: 'connection', listener: (connection: Connection) => void): this;
    on(event: 'message', listener: (msg: Buffer, rinfo: { address: string; family: 'IPv4'; port: number }) => void): this;
    on(event: 'listening' | 'close', listener: () => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    once(event: 'listening' | 'close', listener: () => void): this;
    once(event: 'error', listener: (err: Error) => void): this;
    off(event: 'listening' | 'close', listener: () => void): this;
    off(event: 'error', listener: (err: Error) => void): this;
  }

  interface UtpNative {
    (opts?: Options): Socket;
    createServer(onConnection?: (connection: Connection) => void): Socket;
    createServer(opts: Options, onConnection?: (connection: Connection) => void): Socket;
    /** A one-off socket bound to 0.0.0.0 and closed with the connection. */
    connect(port: number, host?: string, opts?: Options): Connection;
  }

  /** CommonJS: `module.exports` is the factory; import the default. */
  const utpNative: UtpNative;
  export default utpNative;
}
