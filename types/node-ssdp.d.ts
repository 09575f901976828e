declare module 'node-ssdp' {
  import { EventEmitter } from 'node:events';
  import type { RemoteInfo } from 'node:dgram';

  export interface SsdpClientOptions { interfaces?: string[]; explicitSocketBind?: boolean; reuseAddr?: boolean; customLogger?: (...args: unknown[]) => void }

  export class Client extends EventEmitter {
    constructor(opts?: SsdpClientOptions);
    search(serviceType: string): Promise<void> | undefined;
    stop(): void;
    on(event: 'response', listener: (headers: Record<string, string>, statusCode: number, rinfo: RemoteInfo) => void): this;
  }

  /** The package is CommonJS with runtime-built exports: import the default and take `Client` from it. */
  const ssdp: { Client: typeof Client };
  export default ssdp;
}
