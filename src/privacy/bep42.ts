/**
 * BEP 42 (DHT security extension): a node ID's first 21 bits are tied to its IP through CRC32-C,
 * so one host cannot pick IDs next to a target at will. Local addresses are exempt.
 */
import net from 'node:net';

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC32C_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const V4_MASK = [0x03, 0x0f, 0x3f, 0xff];
const V6_MASK = [0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f, 0x7f, 0xff];

function ipBytes(ip: string): Buffer | null {
  if (net.isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (!net.isIPv6(ip)) return null;
  const [head, tail = ''] = ip.split('::') as [string, string?];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  if (t.some((g) => g.includes('.')) || h.some((g) => g.includes('.'))) return null;
  const groups = ip.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** Addresses BEP 42 exempts: loopback, private and link-local ranges. */
export function isBep42Exempt(ip: string): boolean {
  if (!net.isIPv4(ip)) return ip === '::1' || /^f[cd]/i.test(ip) || /^fe[89ab]/i.test(ip);
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}

/** The three leading bytes BEP 42 prescribes for this IP and random value (last 3 bits free). */
export function bep42Prefix(ip: string, rand: number): number {
  const bytes = ipBytes(ip);
  if (!bytes) throw new RangeError(`not an IP address: "${ip}"`);
  const mask = bytes.length === 4 ? V4_MASK : V6_MASK;
  const masked = Buffer.from(bytes.subarray(0, mask.length).map((b, i) => b & mask[i]!));
  masked[0] = masked[0]! | ((rand & 0x7) << 5);
  return crc32c(masked);
}

/** Builds a conforming ID (for tests and sim nodes): 21 bits from the CRC, rand in the last byte. */
export function bep42NodeId(ip: string, rand: number, fill: Uint8Array): Buffer {
  const crc = bep42Prefix(ip, rand);
  const id = Buffer.from(fill.subarray(0, 20));
  id[0] = (crc >>> 24) & 0xff;
  id[1] = (crc >>> 16) & 0xff;
  id[2] = ((crc >>> 8) & 0xf8) | (id[2]! & 0x7);
  id[19] = rand & 0xff;
  return id;
}

export type Bep42Verdict = 'valid' | 'invalid' | 'exempt';

export function checkBep42(ip: string, id: Uint8Array): Bep42Verdict {
  if (isBep42Exempt(ip)) return 'exempt';
  if (!ipBytes(ip) || id.length !== 20) return 'invalid';
  const crc = bep42Prefix(ip, id[19]!);
  const ok = id[0] === ((crc >>> 24) & 0xff) && id[1] === ((crc >>> 16) & 0xff) && (id[2]! & 0xf8) === ((crc >>> 8) & 0xf8);
  return ok ? 'valid' : 'invalid';
}
