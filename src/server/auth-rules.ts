/**
 * Pure decisions behind the HTTP auth layer (src/server/auth.ts): who counts as local, whether
 * a token matches, whether a Host or Origin names this server. No sockets, no clocks.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.x.y.z), the forms Node reports
 * in `socket.remoteAddress`. Only a process on this machine can connect from these.
 */
export function isLoopbackAddress(address: string): boolean {
  let ip = address.trim().toLowerCase();
  if (ip.startsWith('::ffff:') && isIPv4(ip.slice(7))) ip = ip.slice(7);
  if (isIPv4(ip)) return ip.split('.')[0] === '127';
  if (isIPv6(ip)) return ip === '::1' || ip === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * Compares a presented secret with the expected one in time independent of where they differ
 * (stops guessing the token byte by byte from response times). Both sides are hashed first so
 * timingSafeEqual gets equal lengths and the length of the real token does not leak either.
 */
export function tokensEqual(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || presented.length === 0 || expected.length === 0) return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Parses a Cookie header into name → value (first occurrence wins, values URI-decoded). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!name || cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      cookies.set(name, value);
    }
  }
  return cookies;
}

/** The token from an `Authorization: Bearer <token>` header, if that is what it carries. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
  return match?.[1];
}

export interface HostPort {
  /** Lowercase, without IPv6 brackets and without a trailing dot. */
  hostname: string;
  /** undefined when the text named no port. */
  port: number | undefined;
}

/** Splits `name`, `name:port`, `[v6]` or `[v6]:port`; undefined when it is not a host at all. */
export function parseHostPort(text: string): HostPort | undefined {
  const value = text.trim().toLowerCase();
  if (!value) return undefined;
  let hostname: string;
  let portText: string | undefined;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    if (close < 0) return undefined;
    hostname = value.slice(1, close);
    const rest = value.slice(close + 1);
    if (rest) {
      if (!rest.startsWith(':')) return undefined;
      portText = rest.slice(1);
    }
    if (!isIPv6(hostname)) return undefined;
  } else if (isIPv6(value)) {
    // A bare IPv6 address (as a listing of own addresses may give it); never valid in a Host header
    // with a port, so it has none.
    hostname = value;
  } else {
    const colon = value.lastIndexOf(':');
    if (colon >= 0) {
      hostname = value.slice(0, colon);
      portText = value.slice(colon + 1);
    } else {
      hostname = value;
    }
    if (!/^[a-z0-9._-]+$/.test(hostname)) return undefined;
  }
  if (hostname.endsWith('.')) hostname = hostname.slice(0, -1);
  if (!hostname) return undefined;
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText)) return undefined;
    port = Number(portText);
    if (port < 1 || port > 65535) return undefined;
  }
  return { hostname, port };
}

/**
 * Whether a Host header names this server. `allowed` lists the server's own addresses and names,
 * each with or without a port; an entry with a port only matches that port. A Host header
 * without a port means port 80.
 *
 * Stops DNS rebinding: a page on attacker.example whose name is re-pointed at 127.0.0.1 or at
 * this machine's LAN address reaches the server with `Host: attacker.example`, which is not ours.
 */
export function isAllowedHost(hostHeader: string | undefined, allowed: readonly string[]): boolean {
  if (!hostHeader) return false;
  const host = parseHostPort(hostHeader);
  if (!host) return false;
  const port = host.port ?? 80;
  return allowed.some((entry) => {
    const own = parseHostPort(entry);
    if (!own || own.hostname !== host.hostname) return false;
    return own.port === undefined || own.port === port;
  });
}

/** `scheme://host[:port]` of an Origin or Referer value, or undefined when it has none (e.g. "null"). */
export function originHost(value: string): HostPort | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const parsed = parseHostPort(url.host);
  if (!parsed) return undefined;
  return { hostname: parsed.hostname, port: parsed.port ?? (url.protocol === 'https:' ? 443 : 80) };
}

/** Methods that change state; only these go through the Origin check. */
export function isStateChanging(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

export type OriginVerdict = 'same-origin' | 'no-origin' | 'cross-origin';

/**
 * Classifies where a request comes from, using (in order) Sec-Fetch-Site, Origin and Referer.
 * "same-origin" means the page that sent it was served by this very Host; "no-origin" means no
 * browser signal at all (curl, a media center), which the token requirement covers instead.
 *
 * Stops CSRF: a page on any other site (including other ports of this machine) that makes the
 * user's browser POST to us carries that site's Origin, and a loopback browser would otherwise
 * pass without a token.
 */
export function classifyOrigin(headers: {
  host?: string | undefined;
  origin?: string | undefined;
  referer?: string | undefined;
  secFetchSite?: string | undefined;
}): OriginVerdict {
  const site = headers.secFetchSite?.toLowerCase();
  if (site === 'cross-site' || site === 'same-site') return 'cross-origin';
  const source = headers.origin ?? headers.referer;
  if (source === undefined) return site === 'same-origin' ? 'same-origin' : 'no-origin';
  const from = originHost(source);
  const host = headers.host ? parseHostPort(headers.host) : undefined;
  if (!from || !host) return 'cross-origin';
  const hostPort = host.port ?? 80;
  return from.hostname === host.hostname && from.port === hostPort ? 'same-origin' : 'cross-origin';
}

/**
 * The request URL with the `token` query parameter removed, for the redirect that moves the
 * token from the address bar (history, screenshots, Referer) into a cookie.
 */
export function withoutQueryParam(originalUrl: string, name: string): string {
  const url = new URL(originalUrl, 'http://placeholder.invalid');
  url.searchParams.delete(name);
  const search = url.searchParams.toString();
  // Never `//host/...`: a browser reads that as another site (an open redirect after pairing).
  const path = url.pathname.replace(/^\/{2,}/, '/');
  return path + (search ? `?${search}` : '') + url.hash;
}
