declare module 'bittorrent-dht' {
  import { EventEmitter } from 'node:events';
  export interface DHTNode { id?: Uint8Array; host: string; port: number }
  export interface DHTOptions {
    bootstrap?: string[] | false;
    nodeId?: Uint8Array | string;
    host?: string | false;
    krpc?: unknown;
    k?: number;
    timeBucketOutdated?: number;
    maxAge?: number;
  }
  export default class DHT extends EventEmitter {
    constructor(opts?: DHTOptions);
    nodeId: Uint8Array;
    listening: boolean;
    destroyed: boolean;
    ready: boolean;
    nodes: { count(): number; toArray(): DHTNode[] };
    listen(port?: number, address?: string, cb?: () => void): void;
    address(): { address: string; port: number; family: string };
    addNode(node: DHTNode): void;
    lookup(infoHash: string | Uint8Array, cb?: (err: Error | null, visited?: number) => void): () => void;
    announce(infoHash: string | Uint8Array, port: number, cb?: (err: Error | null) => void): void;
    destroy(cb?: () => void): void;
    toJSON(): { nodes: DHTNode[] };
    _rpc: { k: number; socket: { inflight: number } };
  }
}
