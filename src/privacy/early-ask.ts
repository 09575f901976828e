/**
 * Which network size an early real question is vetted with (docs/PRIVACY.md, "Overlap"), or none
 * yet. The walk's own estimate needs a front of EARLY_FRONT_MIN nodes: it uses the front's outer
 * half, so a handful of sybils packed next to the target cannot inflate it. Once a converged walk
 * has estimated the network (this run, or an earlier one through the node book), that figure vets
 * the first nodes of a warm walk without waiting for the front to fill: a warm walk's seeds answer
 * one round trip after it starts, and waiting for 16 of them cost a second round trip before the
 * real question. Whichever is smaller is used once both exist, so the rule only ever gets stricter
 * as the walk learns.
 */

/** The front size from which the walk's own estimate is trusted. */
export const EARLY_FRONT_MIN = 16;

export function earlyVettingSize(frontSize: number, frontEstimate: () => number, knownNetworkSize: number | undefined): number | undefined {
  const known = knownNetworkSize && knownNetworkSize > 0 ? knownNetworkSize : undefined;
  if (frontSize < EARLY_FRONT_MIN) return known;
  const estimate = frontEstimate();
  return known ? Math.min(estimate, known) : estimate;
}
