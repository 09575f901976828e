/** The LAN address `--interface` names, shared by TV discovery, the DLNA server and cast URLs. */
import os from 'node:os';
import { pickInterfaceAddress } from '@torrent-live/casting';
import type { Config } from '../config.js';
import { TorrentLiveError } from '../errors.js';

/** The one address `--interface` names, or undefined for "every non-internal IPv4". */
export function interfaceAddress(config: Pick<Config, 'interface'>): string | undefined {
  if (!config.interface) return undefined;
  try {
    return pickInterfaceAddress(os.networkInterfaces(), config.interface);
  } catch (err) {
    throw new TorrentLiveError('E_BAD_ARGUMENT', `--interface: ${(err as Error).message}`);
  }
}
