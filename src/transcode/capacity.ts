/**
 * Admission and rung choice for video conversions, from measured costs. Pure.
 *
 * A conversion's cost is the CPU it needs to run in real time: CPU seconds per second of media
 * (1.2 means 1.2 cores busy to keep pace). It is measured, not guessed: from a short calibration
 * encode per rung (calibrate.ts) before a conversion starts, then from the running ffmpeg's own
 * CPU time against its progress. Costs add up across conversions whatever else shares the
 * machine, which wall-clock speed does not (a player that stops reading slows ffmpeg to 1.0x
 * without freeing any CPU), so the sum of costs against the cores is the admission test.
 *
 * A conversion's rung is fixed for its whole response, so it is chosen for the machine as it will
 * be, not as it is: each conversion gets at most its share of the budget (budget / the number of
 * conversions planned for at once), and keeps that share held while it runs. A lone viewer may
 * therefore get a cheaper rung than an idle machine could run, so that a second viewer does not
 * push both below real time.
 */
import type { Rung } from './ladder.js';

/** Cores kept free for the torrent engine, HTTP and the rest of the machine. */
export const HEADROOM = 0.9;

export function budgetFor(cores: number): number {
  return Math.max(0.5, cores * HEADROOM);
}

/**
 * Conversions planned for at once, whatever the source: two screens in a home. A fragmented MP4
 * cannot change size mid-stream, so the first conversion's rung is what it keeps when the second
 * starts; planning for one would give a lone viewer a rung the pair cannot hold.
 */
export const MIN_PLANNED = 2;

/**
 * How many conversions of this source the budget is planned for: as many as hold real time at
 * its best rung (`topCost`, measured), and never fewer than MIN_PLANNED. Without a measurement
 * of the best rung, the minimum.
 */
export function plannedConversions(budget: number, topCost: number | undefined, minimum = MIN_PLANNED): number {
  if (topCost === undefined || !(topCost > 0) || !Number.isFinite(topCost)) return minimum;
  // The epsilon keeps 1.8 / 0.9 at 2 despite binary fractions.
  return Math.max(minimum, Math.floor(budget / topCost + 1e-9));
}

/** The cores one conversion of this source may take: its share of the planned conversions. */
export function shareFor(budget: number, topCost: number | undefined, minimum = MIN_PLANNED): number {
  return budget / plannedConversions(budget, topCost, minimum);
}

/**
 * A running conversion's place in the budget: `cost` is what it needs (measured, else predicted),
 * `held` what it keeps (at least its planned share: the cores it was promised so that the
 * conversions planned beside it stay in real time, even if it turned out cheaper).
 */
export interface Holding {
  cost: number;
  held: number;
}

/** The cores a running conversion takes from the budget: its share, or its cost when dearer. */
export function heldOf(h: Holding): number {
  return Math.max(h.cost, h.held);
}

/** What the running conversions leave of the budget. */
export function freeOf(budget: number, running: readonly Holding[]): number {
  return budget - running.reduce((a, h) => a + heldOf(h), 0);
}

export type RungChoice =
  | { ok: true; rung: Rung; cost: number; free: number; held: number }
  /** `free` is what the holdings leave, `idle` what the costs alone leave (the larger). */
  | { ok: false; free: number; idle: number; held: number; cheapest: number; cheapestRung: Rung };

/**
 * The best rung whose cost fits both the conversion's share (`share`: budget / planned
 * conversions; Infinity for no plan) and what the running conversions hold; `cost(rung)` is its
 * predicted cost for this source. Rungs are tried best first; a rung with no known cost is
 * skipped. The new conversion holds its share (or what is left, when less), or its cost when dearer.
 */
export function chooseRung(ladder: readonly Rung[], cost: (r: Rung) => number | undefined, running: readonly Holding[], budget: number, share = Infinity): RungChoice {
  if (ladder.length === 0) throw new Error('chooseRung: an empty ladder');
  const held = running.reduce((a, b) => a + heldOf(b), 0);
  const free = budget - held;
  const idle = budget - running.reduce((a, b) => a + b.cost, 0);
  const target = Math.min(share, free);
  let cheapest: { rung: Rung; cost: number } | undefined;
  for (const r of ladder) {
    const c = cost(r);
    if (c === undefined || !Number.isFinite(c)) continue;
    if (c <= target) return { ok: true, rung: r, cost: c, free, held: Number.isFinite(share) ? Math.max(c, Math.min(share, free)) : c };
    // On a tie the later rung names the floor the refusal already tried.
    if (!cheapest || c <= cheapest.cost) cheapest = { rung: r, cost: c };
  }
  const last = ladder[ladder.length - 1]!;
  return { ok: false, free, idle, held, cheapest: cheapest?.cost ?? Infinity, cheapestRung: cheapest?.rung ?? last };
}

/** The words a refused viewer reads (the HTTP error and the casting error). */
export function refusalMessage(choice: Extract<RungChoice, { ok: false }>, running: number, cores: number): string {
  const need = choice.cheapest === Infinity ? 'an unknown share' : `${choice.cheapest.toFixed(2)} cores`;
  const floor = `${choice.cheapestRung.height}p (${choice.cheapestRung.preset})`;
  const conversions = `${running} conversion${running === 1 ? '' : 's'}`;
  if (choice.cheapest <= choice.idle) {
    // The CPU is there now, but it is promised: taking it would slow the running conversions.
    return `this machine cannot convert another video in real time: ${conversions} already hold${running === 1 ? 's' : ''} ${choice.held.toFixed(2)} cores of its ${cores}-core capacity (each keeps the share it was planned with, so that all stay in real time), and even at ${floor} this one needs ${need} where ${Math.max(0, choice.free).toFixed(2)} are left`;
  }
  return `this machine cannot convert another video in real time: ${conversions} already use${running === 1 ? 's' : ''} its ${cores}-core capacity, and even at ${floor} this one needs ${need} where ${Math.max(0, choice.idle).toFixed(2)} are free`;
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
