/**
 * How many nodes the DHT holds, estimated from the nodes closest to a random target a walk found.
 * In a uniform ID space the i-th closest of N nodes lies near distance i / N, so each rank gives
 * an estimate N ~= i / d_i. The median over the outer half of ranks keeps a few sybils packed next
 * to the target (tiny d for small i) from inflating the figure.
 */
import { distanceFraction } from './node-id.js';

export function estimateNetworkSize(target: Uint8Array, closest: readonly Uint8Array[]): number {
  const fractions = closest.map((id) => distanceFraction(target, id)).sort((a, b) => a - b);
  if (fractions.length === 0) return 0;
  const from = Math.floor(fractions.length / 2);
  const estimates: number[] = [];
  for (let i = from; i < fractions.length; i++) {
    const d = fractions[i]!;
    if (d > 0) estimates.push((i + 1) / d);
  }
  if (estimates.length === 0) return fractions.length;
  estimates.sort((a, b) => a - b);
  const mid = estimates.length >> 1;
  const median = estimates.length % 2 ? estimates[mid]! : (estimates[mid - 1]! + estimates[mid]!) / 2;
  return Math.max(fractions.length, median);
}

/** The common prefix with the target the closest honest node is expected to have: log2(N). */
export function expectedPrefixBits(networkSize: number): number {
  return networkSize > 1 ? Math.log2(networkSize) : 0;
}
