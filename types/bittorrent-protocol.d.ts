declare module 'bittorrent-protocol' {
  import { Duplex } from 'node:stream';
  export default class Wire extends Duplex {
    constructor(type?: string, peEnabled?: number);
    peerId: string;
    peerExtensions: Record<string, boolean>;
    peerInterested: boolean;
    peerChoking: boolean;
    amChoking: boolean;
    amInterested: boolean;
    /** Set when both ends offered BEP 6 (fast extension). */
    hasFast: boolean;
    peerAllowedFastSet: number[];
    peerPieces: { get(i: number): boolean };
    peerExtendedMapping: Record<string, number>;
    downloaded: number;
    extendedHandshake: Record<string, unknown>;
    ut_metadata: { setMetadata(m: Uint8Array): void; fetch(): void; on(ev: string, fn: (...args: unknown[]) => void): void };
    use(ext: unknown): void;
    handshake(infoHash: string | Uint8Array, peerId: string | Uint8Array, extensions?: Record<string, boolean>): void;
    bitfield(bitfield: unknown): void;
    unchoke(): void;
    choke(): void;
    interested(): void;
    uninterested(): void;
    haveAll(): void;
    haveNone(): void;
    cancel(index: number, offset: number, length: number): void;
    have(index: number): void;
    piece(index: number, offset: number, buffer: Uint8Array): void;
    request(index: number, offset: number, length: number, cb: (err: Error | null, block?: Uint8Array) => void): void;
    setKeepAlive(enable: boolean): void;
    destroy(): this;
    /** MSE/PE as initiator (only when constructed with peEnabled > 0). */
    startEncryption(infoHash: string): void;
    /** MSE responder: the infohash whose SHA-1('req2', ...) the initiator sent ('crypto-infohash'). */
    setInfoHash(infoHash: string): void;
    /** 2 once RC4 was selected, 1 for MSE with a plaintext payload, null/undefined without MSE. */
    readonly _encryptionMethod: number | null | undefined;
    requests: Array<{ piece: number; offset: number; length: number }>;
    // The parser's message handlers, overridden by GuardedWire.
    _onMessageLength(buffer: Uint8Array): void;
    _onMessage(buffer: Uint8Array): void;
    _onBitField(buffer: Uint8Array): void;
    _onHave(index: number): void;
    _onHaveAll(): void;
    _onHaveNone(): void;
    _onPiece(index: number, offset: number, block: Uint8Array): void;
    _onChoke(): void;
    _processBuffer(): void;
    /** The MSE state machine; its `_dh` (generateKeys, computeSecret) is built lazily unless set. */
    _encryptor: { _dh: { generateKeys(): Uint8Array; computeSecret(other: Uint8Array): Uint8Array } | null; decrypt(data: Uint8Array): Uint8Array } | null;
    _buffer: Uint8Array[];
    _cryptoSyncPattern: Uint8Array | null;
    _bufferSize: number;
    /** Bytes the parser waits for before it calls back (Number.MAX_VALUE once the wire finished). */
    _parserSize: number;
    /** MSE: waiting for the responder's infohash to be chosen; parsing stops meanwhile. */
    _pePending: boolean;
    /** MSE is over (RC4 or plaintext payload chosen): what arrives next is the payload. */
    readonly _cryptoHandshakeDone: boolean;
    /** Every outgoing message goes through here (encrypted under RC4), MSE's own steps too. */
    _push(data: Uint8Array): boolean | undefined;
    /** The writable side finished: nothing more is sent. */
    _finished: boolean;
    /** streamx's write side: every chunk the socket delivers. */
    _write(data: Uint8Array, cb: (err: Error | null) => void): void;
  }
}

declare module 'ut_metadata' {
  export default function utMetadata(metadata?: Uint8Array): unknown;
}

declare module 'bitfield' {
  export default class BitField {
    constructor(data: number | Uint8Array, opts?: { grow?: number });
    buffer: Uint8Array;
    get(i: number): boolean;
    set(i: number, value?: boolean): void;
  }
}

declare module 'fs-chunk-store' {
  export default class FSChunkStore {
    constructor(chunkLength: number, opts: { files: Array<{ path: string; length: number; offset: number }> });
    put(index: number, buf: Uint8Array, cb: (err: Error | null) => void): void;
    get(index: number, opts: { offset: number; length: number } | null, cb: (err: Error | null, buf?: Uint8Array) => void): void;
    close(cb: (err: Error | null) => void): void;
  }
}
