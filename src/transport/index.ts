/**
 * The transports one process dials peers with, built once by the composition root and shared by
 * every torrent (uTP needs a single UDP socket; --bind applies to each).
 */
import { createTcpTransport } from './tcp.js';
import { createUtpTransport } from './utp.js';
import type { Transport } from './transport.js';

export interface TransportSettings {
  bindAddress: string | undefined;
  utp: boolean;
  freerider: boolean;
  onWarning?: (message: string) => void;
}

export interface TransportSet {
  transports: readonly Transport[];
  close(): Promise<void>;
}

export async function openTransports(settings: TransportSettings): Promise<TransportSet> {
  const transports: Transport[] = [createTcpTransport({ bindAddress: settings.bindAddress })];
  // Incoming uTP is refused in every mode for now: the engine has no incoming peer path (no TCP
  // listener either), so accepting a connection only to drop it would tell a scanner we are here.
  if (settings.utp) transports.push(await createUtpTransport({ bindAddress: settings.bindAddress, ...(settings.onWarning ? { onWarning: settings.onWarning } : {}) }));
  return {
    transports,
    close: async () => {
      await Promise.all(transports.map((t) => t.close()));
    },
  };
}

export type { Transport, TransportName } from './transport.js';
export type { EncryptionPolicy } from './dial-plan.js';
