/** Which local IPv4 a TV can reach us on (for discovery sockets and the URLs handed to TVs). */
import type { NetworkInterfaceInfo } from 'node:os';

type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

function ipv4(list: NetworkInterfaceInfo[] | undefined): NetworkInterfaceInfo[] {
  return (list ?? []).filter((i) => i.family === 'IPv4' || (i.family as unknown) === 4);
}

function toInt(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function sameSubnet(a: string, b: string, netmask: string): boolean {
  const ai = toInt(a), bi = toInt(b), mi = toInt(netmask);
  if (ai === undefined || bi === undefined || mi === undefined) return false;
  return ((ai & mi) >>> 0) === ((bi & mi) >>> 0);
}

/**
 * `wanted` (an interface name or one of its addresses) wins; else the interface on the device's
 * subnet (a loopback device gets 127.0.0.1); else the first non-internal IPv4; else 127.0.0.1.
 */
export function pickInterfaceAddress(interfaces: Interfaces, wanted?: string, deviceAddress?: string): string {
  const all = Object.entries(interfaces).flatMap(([name, list]) => ipv4(list).map((info) => ({ name, info })));
  if (wanted) {
    const byName = all.find((e) => e.name === wanted);
    if (byName) return byName.info.address;
    const byAddress = all.find((e) => e.info.address === wanted);
    if (byAddress) return byAddress.info.address;
    const known = all.map((e) => `${e.name}=${e.info.address}`).join(', ') || 'none';
    throw new Error(`interface "${wanted}" not found; pass --interface with one of: ${known}`);
  }
  if (deviceAddress) {
    if (deviceAddress.startsWith('127.')) return '127.0.0.1';
    const onSubnet = all.find((e) => sameSubnet(e.info.address, deviceAddress, e.info.netmask));
    if (onSubnet) return onSubnet.info.address;
  }
  const external = all.find((e) => !e.info.internal);
  return external ? external.info.address : '127.0.0.1';
}

/** Every non-internal IPv4 (where discovery listens by default). */
export function externalIpv4(interfaces: Interfaces): string[] {
  return Object.values(interfaces).flatMap((list) => ipv4(list).filter((i) => !i.internal).map((i) => i.address));
}

/**
 * A predicate: is this address on the link of one of these local addresses (same subnet as the
 * interface that holds it)? Discovery traffic comes from the LAN; an answer to anything else
 * would go to a forged or routed address. A local address on no interface counts only itself.
 */
export function onLinkOf(interfaces: Interfaces, localAddresses: readonly string[]): (address: string) => boolean {
  const all = Object.values(interfaces).flatMap((list) => ipv4(list));
  // An address of the interface itself, else the interface whose subnet holds it (any 127.x on lo).
  const holder = (local: string): NetworkInterfaceInfo | undefined => all.find((i) => i.address === local) ?? all.find((i) => sameSubnet(i.address, local, i.netmask));
  const links = localAddresses.map((local) => ({ local, netmask: holder(local)?.netmask ?? '255.255.255.255' }));
  return (address) => links.some((l) => sameSubnet(l.local, address, l.netmask));
}
