/**
 * Which way torrent traffic leaves the machine and whether it may leave at all, as pure data and
 * transitions: the sockets follow what these functions decide (route-gate.ts).
 */
export type RouteKind = 'direct' | 'proxy' | 'bound';

/** What the terminal, the NDJSON `route` event, GET /api/route and the web remote show. */
export interface RouteStatus {
  route: RouteKind;
  /** "via proxy 10.0.0.1:1080", "bound to tun0 10.8.0.2", "direct". */
  label: string;
  /** No torrent packet leaves while this holds; `message` says why and what to do. */
  blocked: boolean;
  message?: string;
}

/** What --bind / --bind-interface ask for. */
export type BindTarget = { kind: 'address'; address: string } | { kind: 'interface'; name: string };

/** A snapshot of os.networkInterfaces(), reduced to what the kill switch reads. */
export type InterfaceSnapshot = Record<string, ReadonlyArray<{ address: string; family: string | number; netmask?: string; internal?: boolean }> | undefined>;

function v4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.some((p) => p > 255) ? null : parts.reduce((n, p) => n * 256 + p, 0);
}

/**
 * Whether `address` is one the machine can send from: assigned to an interface, or (Linux)
 * inside a loopback interface's subnet, every address of which is local (127.0.0.0/8).
 */
function isPresent(address: string, entry: { address: string; netmask?: string; internal?: boolean }): boolean {
  if (entry.address === address) return true;
  if (!entry.internal || !entry.netmask) return false;
  const [a, b, m] = [v4(address), v4(entry.address), v4(entry.netmask)];
  if (a === null || b === null || m === null) return false;
  return (a & m) >>> 0 === (b & m) >>> 0;
}

/** The address torrent sockets must use now, or null when it is gone (the kill switch trips). */
export function boundAddress(target: BindTarget, interfaces: InterfaceSnapshot): string | null {
  const isV4 = (f: string | number) => f === 'IPv4' || f === 4;
  if (target.kind === 'address') {
    for (const list of Object.values(interfaces)) if (list?.some((a) => isPresent(target.address, a))) return target.address;
    return null;
  }
  return interfaces[target.name]?.find((a) => isV4(a.family))?.address ?? null;
}

/** Which interface holds an address, for the label ("bound to tun0 10.8.0.2"). */
export function interfaceOf(address: string, interfaces: InterfaceSnapshot): string | undefined {
  return Object.entries(interfaces).find(([, list]) => list?.some((a) => a.address === address))?.[0];
}

export type BindStep = { action: 'none' } | { action: 'block'; message: string } | { action: 'open'; address: string } | { action: 'move'; from: string; to: string };

/**
 * One poll of the kill switch: `current` is the address sockets use now (null while blocked). An
 * address that changed is a block then a reopen: a socket bound to the old address must not
 * outlive it, and one whose address is gone may still send from it through another interface.
 */
export function bindStep(target: BindTarget, current: string | null, seen: string | null): BindStep {
  if (seen === current) return { action: 'none' };
  if (seen === null) return { action: 'block', message: bindGoneMessage(target, current) };
  if (current === null) return { action: 'open', address: seen };
  return { action: 'move', from: current, to: seen };
}

export function bindGoneMessage(target: BindTarget, last: string | null): string {
  const what = target.kind === 'address' ? `--bind ${target.address}` : `--bind-interface ${target.name}${last ? ` (${last})` : ''}`;
  const has = target.kind === 'address' ? 'is not an address of this machine' : 'has no IPv4 address';
  return `${what} ${has} any more (VPN down?): torrent traffic is stopped, nothing is sent from another address; it resumes by itself when the address is back`;
}

export function boundLabel(target: BindTarget, address: string | null, iface: string | undefined): string {
  const name = target.kind === 'interface' ? target.name : iface;
  const addr = address ?? (target.kind === 'address' ? target.address : '(no address)');
  return name ? `bound to ${name} ${addr}` : `bound to ${addr}`;
}

/** The label with both a proxy and a bound address. */
export function routeLabel(parts: { proxy?: string | undefined; bound?: string | undefined }): string {
  if (parts.proxy && parts.bound) return `via proxy ${parts.proxy} (${parts.bound})`;
  if (parts.proxy) return `via proxy ${parts.proxy}`;
  if (parts.bound) return parts.bound;
  return 'direct';
}

/** After `failures` failed attempts to reach the proxy, wait this long before the next. */
export function proxyRetryMs(failures: number, minMs = 500, maxMs = 10_000): number {
  return Math.min(maxMs, minMs * 2 ** Math.max(0, Math.min(failures - 1, 20)));
}

/** A `socks` library or socket error turned into what the user reads (never the password). */
export function proxyErrorMessage(proxy: string, err: { message?: unknown; code?: unknown }): string {
  const code = typeof err.code === 'string' ? err.code : '';
  const msg = typeof err.message === 'string' ? err.message.slice(0, 200) : String(err).slice(0, 200);
  if (code === 'ECONNREFUSED') return `proxy ${proxy} refused the connection (is it running?)`;
  if (code === 'ETIMEDOUT' || /timed? ?out/i.test(msg)) return `proxy ${proxy} did not answer in time`;
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `proxy ${proxy} is unreachable (${code})`;
  if (/authentication|auth/i.test(msg)) return `proxy ${proxy} refused our username/password: check the user:pass in --proxy`;
  if (/no acceptable|method/i.test(msg)) return `proxy ${proxy} accepts none of our authentication methods: give user:pass in --proxy, or allow it without`;
  return `proxy ${proxy}: ${code ? `${code} ` : ''}${msg}`;
}
