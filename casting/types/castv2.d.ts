declare module 'castv2' {
  import { EventEmitter } from 'node:events';
  import type { TlsOptions } from 'node:tls';

  export type CastPayload = string | Buffer;

  export class Server extends EventEmitter {
    constructor(options: TlsOptions);
    server: import('node:tls').Server;
    clients: Record<string, { socket: import('node:tls').TLSSocket }>;
    listen(port: number, host: string, callback?: () => void): void;
    close(): void;
    send(clientId: string, sourceId: string, destinationId: string, namespace: string, data: CastPayload): void;
    on(event: 'message', listener: (clientId: string, sourceId: string, destinationId: string, namespace: string, data: CastPayload) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'close', listener: () => void): this;
  }

  export class Client extends EventEmitter {
    connect(options: { host: string; port?: number } | string, callback?: () => void): void;
    close(): void;
    send(sourceId: string, destinationId: string, namespace: string, data: CastPayload): void;
  }
}

declare module 'castv2/lib/proto.js' {
  const proto: {
    CastMessage: {
      serialize(message: { protocolVersion: number; sourceId: string; destinationId: string; namespace: string; payloadType: number; payloadUtf8?: string }): Uint8Array;
    };
  };
  export default proto;
}
