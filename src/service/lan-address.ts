/** The LAN address `--interface` names, shared by TV discovery, the DLNA server and cast URLs. */
import os from 'node:os';
import { pickInterfaceAddress } from '@torrent-live/casting';
import type { Config } from '../config.js';
import { TorrentLiveError } from '../errors.js';
import { httpBase } from '../server/http-base.js';

/** The one address `--interface` names, or undefined for "every non-internal IPv4". */
export function interfaceAddress(config: Pick<Config, 'interface'>): string | undefined {
  if (!config.interface) return undefined;
  try {
    return pickInterfaceAddress(os.networkInterfaces(), config.interface);
  } catch (err) {
    throw new TorrentLiveError('E_BAD_ARGUMENT', `--interface: ${(err as Error).message}`);
  }
}

/** `--host` values that listen on every address (so any LAN address is served). */
export function listensEverywhere(host: string | undefined): boolean {
  return host === undefined || host === '' || host === '0.0.0.0' || host === '::';
}

export interface AddressPlan {
  /** Where the service may tell others to reach it (SSDP LOCATION, .strm URLs). */
  addresses: string[];
  /** Why an address that was asked for or expected is not used, for a `warning`. */
  warning?: string;
}

/**
 * The addresses the DLNA server announces: only ones HTTP really listens on. With `--host` on
 * one address and `--interface` on another, an announcement would send TVs to an address where
 * nothing listens; then nothing is announced, and the warning says how to make the two agree.
 */
export function announceAddresses(o: { host: string | undefined; interfaceAddress: string | undefined; externals: readonly string[] }): AddressPlan {
  if (listensEverywhere(o.host)) return { addresses: o.interfaceAddress ? [o.interfaceAddress] : [...o.externals] };
  const host = o.host!;
  if (o.interfaceAddress && o.interfaceAddress !== host) {
    return { addresses: [], warning: `the DLNA server is not announced: --interface ${o.interfaceAddress} is not where HTTP listens (--host ${host}), so TVs would be sent to an address where nothing answers; give both the same address, or --host 0.0.0.0` };
  }
  if (o.interfaceAddress || o.externals.includes(host)) return { addresses: [host] };
  return { addresses: [], warning: `the DLNA server is not announced: HTTP listens only on ${host} (--host), which no TV on the LAN can reach; use --host 0.0.0.0 or a LAN address, with --interface on the same one` };
}

/**
 * The address .strm URLs carry: `--interface`'s when HTTP listens there, else the one address
 * `--host` names, else the first LAN address. A mismatch keeps `--host` (the one that answers)
 * and says so.
 */
export function strmAddress(o: { host: string | undefined; interfaceAddress: string | undefined; externals: readonly string[] }): { address: string; warning?: string } {
  if (listensEverywhere(o.host)) return { address: o.interfaceAddress ?? o.externals[0] ?? '127.0.0.1' };
  const host = o.host!;
  if (o.interfaceAddress && o.interfaceAddress !== host) {
    return { address: host, warning: `.strm URLs use ${host}, where HTTP listens (--host), not --interface ${o.interfaceAddress} where nothing answers; give both the same address, or --host 0.0.0.0, to serve the interface` };
  }
  return { address: host };
}

/**
 * The two base URLs `export-strm` needs: where it reads the service's list (127.0.0.1 when HTTP
 * listens everywhere, else `--host`, which is the only address that answers) and what the .strm
 * files carry (strmAddress). IPv6 addresses are bracketed.
 */
export function strmBaseUrls(o: { host: string | undefined; interfaceAddress: string | undefined; externals: readonly string[]; port: number }): { serviceUrl: string; publicBaseUrl: string; warning?: string } {
  const { address, warning } = strmAddress(o);
  const local = listensEverywhere(o.host) ? '127.0.0.1' : o.host!;
  return { serviceUrl: httpBase(local, o.port), publicBaseUrl: httpBase(address, o.port), ...(warning ? { warning } : {}) };
}
