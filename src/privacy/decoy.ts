/**
 * Decoy infohashes: random IDs in the same DHT neighbourhood as the real one, so a walk toward a
 * decoy meets the same nodes as a walk toward the real infohash without ever naming it.
 */
import { ID_BITS, randomId, commonPrefixBits, defaultRandomBytes, type RandomBytes } from './node-id.js';

/** docs/ARCHITECTURE.md: a decoy shares at least this many leading bits with the real infohash. */
export const DECOY_SHARED_BITS = 30;

/**
 * A random ID whose first `sharedBits` bits equal `real`'s, whose next bit differs (so it is never
 * closer than `sharedBits` + 1 bits to the real one), and whose remaining bits are random.
 */
export function makeDecoy(real: Uint8Array, opts: { sharedBits?: number; randomBytes?: RandomBytes } = {}): Buffer {
  const shared = opts.sharedBits ?? DECOY_SHARED_BITS;
  if (!Number.isInteger(shared) || shared < 0 || shared >= ID_BITS) throw new RangeError(`sharedBits must be an integer in [0, ${ID_BITS}), got ${shared}`);
  const decoy = randomId(opts.randomBytes ?? defaultRandomBytes);
  const fullBytes = shared >> 3;
  for (let i = 0; i < fullBytes; i++) decoy[i] = real[i]!;
  const rest = shared & 7;
  const mask = (0xff << (8 - rest)) & 0xff;
  decoy[fullBytes] = (real[fullBytes]! & mask) | (decoy[fullBytes]! & ~mask & 0xff);
  // Flip the first free bit away from the real value: the decoy is a neighbour, not the target.
  const flip = 0x80 >> rest;
  decoy[fullBytes] = (decoy[fullBytes]! & ~flip & 0xff) | (~real[fullBytes]! & flip);
  return decoy;
}

export function isDecoyOf(real: Uint8Array, candidate: Uint8Array, sharedBits = DECOY_SHARED_BITS): boolean {
  const shared = commonPrefixBits(real, candidate);
  return shared === sharedBits;
}
