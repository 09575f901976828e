/**
 * The route from the config: what --proxy, --bind and --bind-interface ask for. The composition
 * root (and findspiesonly) call this once; nothing else opens a torrent socket.
 */
import type { Config } from '../config.js';
import { openTorrentRoute, type TorrentRoute } from './torrent-route.js';
import type { BindTarget } from './route-state.js';

export function bindTargetOf(config: Pick<Config, 'bindAddress' | 'bindInterface'>): BindTarget | undefined {
  if (config.bindInterface) return { kind: 'interface', name: config.bindInterface };
  if (config.bindAddress) return { kind: 'address', address: config.bindAddress };
  return undefined;
}

export function openConfiguredRoute(config: Readonly<Config>, onWarning: (message: string) => void): Promise<TorrentRoute> {
  return openTorrentRoute({ proxy: config.proxy, bind: bindTargetOf(config), utp: config.utp, freerider: config.freerider, onWarning });
}

export type { TorrentRoute } from './torrent-route.js';
export type { RouteStatus } from './route-state.js';
