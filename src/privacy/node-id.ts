/**
 * 160-bit DHT identifiers (node IDs and infohashes) as 20-byte buffers: XOR distance, common
 * prefix length, ordering by distance, and fresh random IDs.
 */
import crypto from 'node:crypto';

export const ID_BYTES = 20;
export const ID_BITS = ID_BYTES * 8;

/** Fills `n` random bytes; injectable so tests are deterministic. */
export type RandomBytes = (n: number) => Buffer;
export const defaultRandomBytes: RandomBytes = (n) => crypto.randomBytes(n);

export function isId(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === ID_BYTES;
}

export function idFromHex(hex: string): Buffer {
  if (!/^[0-9a-fA-F]{40}$/.test(hex)) throw new RangeError(`expected 40 hex characters for a DHT id, got "${hex.slice(0, 48)}"`);
  return Buffer.from(hex, 'hex');
}

export function xorDistance(a: Uint8Array, b: Uint8Array): Buffer {
  const out = Buffer.alloc(ID_BYTES);
  for (let i = 0; i < ID_BYTES; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** Number of leading bits a and b share (160 when equal). */
export function commonPrefixBits(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < ID_BYTES; i++) {
    const x = a[i]! ^ b[i]!;
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return ID_BITS;
}

/** Negative when a is closer to target than b. */
export function compareDistance(target: Uint8Array, a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < ID_BYTES; i++) {
    const da = a[i]! ^ target[i]!;
    const db = b[i]! ^ target[i]!;
    if (da !== db) return da - db;
  }
  return 0;
}

/**
 * The distance as a fraction of the whole ID space (0 <= d < 1), from its top 64 bits: enough
 * precision for any network smaller than 2^50 nodes.
 */
export function distanceFraction(a: Uint8Array, b: Uint8Array): number {
  const d = xorDistance(a, b);
  return (d.readUInt32BE(0) * 2 ** 32 + d.readUInt32BE(4)) / 2 ** 64;
}

export function randomId(randomBytes: RandomBytes = defaultRandomBytes): Buffer {
  const id = randomBytes(ID_BYTES);
  if (id.length !== ID_BYTES) throw new RangeError(`randomBytes returned ${id.length} bytes, expected ${ID_BYTES}`);
  return Buffer.from(id);
}
