/**
 * Admission and rung choice for video conversions, from measured costs. Pure.
 *
 * A conversion's cost is the CPU it needs to run in real time: CPU seconds per second of media
 * (1.2 means 1.2 cores busy to keep pace). It is measured, not guessed: from a short calibration
 * encode per rung (calibrate.ts) before a conversion starts, then from the running ffmpeg's own
 * CPU time against its progress. Costs add up across conversions whatever else shares the
 * machine, which wall-clock speed does not (a player that stops reading slows ffmpeg to 1.0x
 * without freeing any CPU), so the sum of costs against the cores is the admission test.
 */
import type { Rung } from './ladder.js';

/** Cores kept free for the torrent engine, HTTP and the rest of the machine. */
export const HEADROOM = 0.9;

export function budgetFor(cores: number): number {
  return Math.max(0.5, cores * HEADROOM);
}

export type RungChoice =
  | { ok: true; rung: Rung; cost: number; free: number }
  | { ok: false; free: number; cheapest: number; cheapestRung: Rung };

/**
 * The best rung whose cost fits beside the running conversions; `cost(rung)` is its predicted
 * cost for this source. Rungs are tried best first; a rung with no known cost is skipped.
 */
export function chooseRung(ladder: readonly Rung[], cost: (r: Rung) => number | undefined, running: readonly number[], budget: number): RungChoice {
  if (ladder.length === 0) throw new Error('chooseRung: an empty ladder');
  const used = running.reduce((a, b) => a + b, 0);
  const free = budget - used;
  let cheapest: { rung: Rung; cost: number } | undefined;
  for (const r of ladder) {
    const c = cost(r);
    if (c === undefined || !Number.isFinite(c)) continue;
    if (c <= free) return { ok: true, rung: r, cost: c, free };
    // On a tie the later rung names the floor the refusal already tried.
    if (!cheapest || c <= cheapest.cost) cheapest = { rung: r, cost: c };
  }
  const last = ladder[ladder.length - 1]!;
  return { ok: false, free, cheapest: cheapest?.cost ?? Infinity, cheapestRung: cheapest?.rung ?? last };
}

/** The words a refused viewer reads (the HTTP error and the casting error). */
export function refusalMessage(choice: Extract<RungChoice, { ok: false }>, running: number, cores: number): string {
  const need = choice.cheapest === Infinity ? 'an unknown share' : `${choice.cheapest.toFixed(2)} cores`;
  return `this machine cannot convert another video in real time: ${running} conversion${running === 1 ? '' : 's'} already use${running === 1 ? 's' : ''} its ${cores}-core capacity, and even at ${choice.cheapestRung.height}p (${choice.cheapestRung.preset}) this one needs ${need} where ${Math.max(0, choice.free).toFixed(2)} are free`;
}

/** One reading of a running ffmpeg: its CPU seconds so far and the media seconds it has produced. */
export interface CostSample {
  cpuSeconds: number;
  mediaSeconds: number;
}

/**
 * The cost over the readings, once enough media has gone by for the figure to mean something
 * (the first frames carry the encoder's start-up); undefined before that.
 */
export function measuredCost(samples: readonly CostSample[], minMediaSeconds = 2): number | undefined {
  if (samples.length < 2) return undefined;
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const media = last.mediaSeconds - first.mediaSeconds;
  const cpu = last.cpuSeconds - first.cpuSeconds;
  if (media < minMediaSeconds || cpu < 0) return undefined;
  return cpu / media;
}

/**
 * How much dearer this source is than the calibration clip at the same rung (its decoder: a
 * 10-bit HEVC film costs more to decode than a synthetic test pattern), learnt from a
 * conversion's measurement and applied to the next prediction for that source. Bounded: one
 * odd reading must not refuse everything afterwards.
 */
export function sourceFactor(measured: number, predicted: number): number {
  if (!(predicted > 0) || !(measured > 0)) return 1;
  return Math.min(4, Math.max(0.5, measured / predicted));
}

/** A rung's predicted cost for a source: the calibrated cost, corrected by what this source shape was measured to cost. */
export function predictCost(calibrated: number, factor = 1): number {
  return calibrated * factor;
}
