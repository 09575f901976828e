declare module 'torrent-stream' {
  import type { EventEmitter } from 'node:events';
  import type { Readable } from 'node:stream';

  export interface TorrentStreamWire extends EventEmitter {
    peerAddress: string;
    downloaded: number;
    uploaded: number;
    amChoking: boolean;
    amInterested: boolean;
    peerChoking: boolean;
    peerInterested: boolean;
    requests: unknown[];
    downloadSpeed(): number;
    destroy(): void;
  }

  export interface TorrentStreamFileStream extends Readable {
    startPiece: number;
    endPiece: number;
    _piece: number;
  }

  export interface TorrentStreamFile {
    name: string;
    path: string;
    length: number;
    offset: number;
    select(): void;
    deselect(): void;
    createReadStream(opts?: { start?: number; end?: number }): TorrentStreamFileStream;
  }

  export interface TorrentStreamTorrent {
    name: string;
    infoHash: string;
    length: number;
    pieceLength: number;
    lastPieceLength: number;
    pieces: string[];
    files: Array<{ name: string; path: string; length: number; offset: number }>;
  }

  export interface TorrentStreamEngine extends EventEmitter {
    infoHash: string;
    torrent: TorrentStreamTorrent | null;
    /** The raw info dictionary, set before storage is built. */
    metadata: Buffer | null;
    files: TorrentStreamFile[];
    select(from: number, to: number, priority: boolean): void;
    bitfield: { get(i: number): boolean } | null;
    swarm: {
      wires: TorrentStreamWire[];
      downloaded: number;
      uploaded: number;
      downloadSpeed(): number;
      uploadSpeed(): number;
      queued: number;
    };
    connect(addr: string): void;
    disconnect(addr: string): void;
    block(addr: string): void;
    destroy(cb?: () => void): void;
  }

  export interface ChunkStoreFile { path: string; length: number; offset: number }
  export type ChunkStoreFactory = (pieceLength: number, opts: { files: ChunkStoreFile[] }) => unknown;

  export interface TorrentStreamOptions {
    connections?: number;
    uploads?: number | false;
    tmp?: string;
    path?: string;
    name?: string;
    verify?: boolean;
    dht?: boolean;
    tracker?: boolean;
    trackers?: string[];
    storage?: ChunkStoreFactory;
    blocklist?: Array<string | { start: string; end: string }>;
    id?: string;
    timeout?: number;
    hotswap?: boolean;
  }

  export default function torrentStream(link: string | Buffer, opts?: TorrentStreamOptions): TorrentStreamEngine;
}

declare module 'fs-chunk-store' {
  import type { ChunkStoreFactory } from 'torrent-stream';
  const FSChunkStore: ChunkStoreFactory;
  export default FSChunkStore;
}
