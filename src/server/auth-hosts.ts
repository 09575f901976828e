/**
 * The names and addresses this server may legitimately be reached by, for the Host check
 * (src/server/auth.ts). Inputs are injected so the list is computed without touching the OS.
 */
import { hostname as osHostname, networkInterfaces as osNetworkInterfaces } from 'node:os';
import { urlHost } from './http-base.js';

export interface OwnHostsOptions {
  /** The port the HTTP server listens on. */
  port: number;
  /** The `--host` bind address; undefined, 0.0.0.0 or :: mean every interface. */
  bindAddress?: string | undefined;
  /** Extra names users reach the server by (e.g. a DNS name on the LAN). */
  extraNames?: readonly string[];
  networkInterfaces?: () => NodeJS.Dict<Array<{ address: string; family: string | number }>>;
  hostname?: () => string;
}

/** `host:port` with IPv6 addresses bracketed, as a Host header writes it (the URL's own host form). */
export function formatHostPort(host: string, port: number): string {
  return `${urlHost(host)}:${port}`;
}

/**
 * Every `host:port` the server answers to: its bind address (or every interface address when it
 * binds them all), `localhost` when loopback is reachable, and the machine's own host names.
 */
export function ownHosts(options: OwnHostsOptions): string[] {
  const interfaces = options.networkInterfaces ?? osNetworkInterfaces;
  const hostname = (options.hostname ?? osHostname)().toLowerCase();
  const bind = options.bindAddress?.replace(/^\[|\]$/g, '');
  const wildcard = bind === undefined || bind === '' || bind === '0.0.0.0' || bind === '::';
  const addresses = new Set<string>();
  if (wildcard) {
    for (const list of Object.values(interfaces())) {
      for (const entry of list ?? []) {
        // Link-local IPv6 needs a zone id that a Host header cannot carry usefully.
        if (entry.address.toLowerCase().startsWith('fe80:')) continue;
        addresses.add(entry.address.toLowerCase());
      }
    }
    addresses.add('127.0.0.1');
  } else {
    addresses.add(bind.toLowerCase());
  }
  const names = new Set<string>(addresses);
  const loopbackReachable = wildcard || bind === 'localhost' || bind.startsWith('127.') || bind === '::1';
  if (loopbackReachable) names.add('localhost');
  if (wildcard && hostname) {
    names.add(hostname);
    if (!hostname.endsWith('.local')) names.add(`${hostname}.local`);
  }
  for (const name of options.extraNames ?? []) names.add(name.toLowerCase());
  return [...names].map((name) => formatHostPort(name, options.port));
}

/** Non-loopback IPv4 addresses, for the URLs the terminal prints for phones to open. */
export function lanAddresses(networkInterfaces: OwnHostsOptions['networkInterfaces'] = osNetworkInterfaces): string[] {
  const found: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const entry of list ?? []) {
      const family = String(entry.family);
      if ((family === 'IPv4' || family === '4') && !entry.address.startsWith('127.')) found.push(entry.address);
    }
  }
  return found;
}
