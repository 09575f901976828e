/**
 * DNSBL check (docs/ARCHITECTURE.md, the private lookup, step 3): an IPv4 a.b.c.d is listed in ZONE when d.c.b.a.ZONE resolves to
 * an A record in 127.0.0.0/8. The resolver is passed in, so tests never touch DNS; a lookup that
 * fails or times out counts as "not listed" (a slow resolver must not stop the lookup).
 */
import dns from 'node:dns';

export type Resolve4 = (name: string) => Promise<string[]>;

export const DNSBL_TIMEOUT_MS = 2_000;

/** The name to resolve, or undefined for anything that is not a dotted IPv4 address. */
export function dnsblQueryName(ip: string, zone: string): string | undefined {
  const octets = ip.split('.');
  if (octets.length !== 4 || !octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)) return undefined;
  const z = zone.trim().replace(/^\.+|\.+$/g, '');
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(z)) return undefined;
  return `${octets.reverse().join('.')}.${z}`;
}

/** A listing answer is 127.0.0.x by convention; anything else (wildcard DNS, ISP redirects) is not. */
export function isListingAnswer(addresses: readonly string[]): boolean {
  return addresses.some((a) => a.startsWith('127.'));
}

/** `--dnsbl a,b` → zone list; `none` or empty → no check. */
export function parseDnsblZones(values: readonly string[]): string[] {
  const zones = values.flatMap((v) => v.split(',')).map((z) => z.trim()).filter(Boolean);
  return zones.some((z) => z.toLowerCase() === 'none') ? [] : zones;
}

export function createDnsblCheck(
  zones: readonly string[],
  opts: { resolve4?: Resolve4; timeoutMs?: number } = {},
): ((ip: string) => Promise<boolean>) | undefined {
  if (zones.length === 0) return undefined;
  const resolve4 = opts.resolve4 ?? ((name: string) => dns.promises.resolve4(name));
  const timeoutMs = opts.timeoutMs ?? DNSBL_TIMEOUT_MS;
  const cache = new Map<string, Promise<boolean>>();
  const one = async (name: string): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string[]>((resolve) => {
      timer = setTimeout(() => resolve([]), timeoutMs);
    });
    try {
      return isListingAnswer(await Promise.race([resolve4(name), timeout]));
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  };
  return (ip: string) => {
    let hit = cache.get(ip);
    if (!hit) {
      const names = zones.map((z) => dnsblQueryName(ip, z)).filter((n): n is string => n !== undefined);
      hit = Promise.all(names.map(one)).then((r) => r.some(Boolean));
      cache.set(ip, hit);
    }
    return hit;
  };
}
