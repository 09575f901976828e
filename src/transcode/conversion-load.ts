/**
 * The conversions running now and what each costs and holds, for admission: a new video conversion
 * gets the best ladder rung that fits its share of the budget beside the others, or is refused with
 * the reason (capacity.ts decides;
 * this module holds the state and does the measuring). A conversion counts at its predicted cost
 * until its own ffmpeg has been measured (CPU time against media time, from its progress
 * reports), then at what it really costs; the measurement also corrects later predictions for
 * sources of the same shape. The clock, calibration and CPU readings are passed in.
 */
import { budgetFor, chooseRung, freeOf, heldOf, measuredCost, plannedConversions, predictCost, refusalMessage, sourceFactor, type CostSample, type Holding } from './capacity.js';
import type { Rung } from './ladder.js';

/** Readings kept per conversion: the cost is taken over this many seconds of progress. */
const WINDOW = 10;

export interface SourceShape {
  /** Groups sources that cost alike to decode, e.g. `hevc/yuv420p10le/1080`. */
  key: string;
}

/** Measured cost of a rung for this source (its size, frame rate and encoder); undefined when it cannot be measured. */
export type Calibrate = (rung: Rung) => Promise<number | undefined>;

export interface LoadOptions {
  cores: number;
  cpuSecondsOf: (pid: number) => number | undefined;
  /**
   * How long a new request waits for running conversions not yet measured to be measured, so it
   * is judged on real costs rather than on predictions that may be low (default 6 s).
   */
  settleMs?: number;
}

export interface Ticket {
  rung: Rung;
  predicted: number;
  /** The ffmpeg that runs the conversion (several in turn after a restart). */
  attach(pid: number): void;
  /** ffmpeg reported this many media seconds written. */
  progress(mediaSeconds: number): void;
  /** The measured cost, once there is one. */
  measured(): number | undefined;
  release(): void;
}

export type Admission = { ok: true; ticket: Ticket; reason: string } | { ok: false; message: string };

interface Running {
  shape: string;
  rung: Rung;
  base: number;
  predicted: number;
  /** The share of the budget it was planned with, kept while it runs (0 when unplanned). */
  held: number;
  pid?: number;
  /** Its ffmpeg runs and its CPU time can be read: a measurement is coming. */
  measurable: boolean;
  samples: CostSample[];
  cost?: number;
}

/** How much room beyond the cheapest rung's cost makes measuring the rungs between worth it. */
const ROOM_FOR_BETTER = 1.5;

/** Without any measurement (calibration failed): the old fixed limit, one conversion per core. */
function unmeasuredLimit(cores: number): number {
  return Math.max(1, Math.floor(cores));
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export class ConversionLoad {
  readonly #o: LoadOptions;
  readonly #running = new Set<Running>();
  readonly #factors = new Map<string, number>();
  #queue: Promise<unknown> = Promise.resolve();
  /** Settles when a conversion ends, then is replaced: what a refused request waits on. */
  #freed = deferred();
  /** Settles when a running conversion gets (a new) measurement, then is replaced. */
  #measuredOne = deferred();

  constructor(o: LoadOptions) {
    this.#o = o;
  }

  get budget(): number {
    return budgetFor(this.#o.cores);
  }

  /** What the running conversions cost now (measured, else predicted) and hold, for logs and the bench. */
  costs(): Array<{ rung: string; cost: number; measured: boolean; held: number }> {
    return [...this.#running].map((r) => {
      const cost = r.cost ?? r.predicted;
      return { rung: r.rung.id, cost, measured: r.cost !== undefined, held: heldOf({ cost, held: r.held }) };
    });
  }

  /**
   * A ticket for the best rung that fits, waiting up to waitMs for a running conversion to end
   * (a seek opens its new request before the old ffmpeg has gone); refused after that.
   */
  async admit(ladder: readonly Rung[], shape: SourceShape, calibrate: Calibrate, waitMs: number, signal?: AbortSignal, now: () => number = Date.now): Promise<Admission> {
    const deadline = now() + waitMs;
    // A request that may not wait long is not held long for a measurement either.
    await this.#settle(Math.min(this.#o.settleMs ?? 6_000, waitMs), signal, now);
    for (;;) {
      const freed = this.#freed.promise;
      // One admission at a time: the previous one's predicted cost must count before the next chooses.
      const attempt = this.#queue.then(() => this.#try(ladder, shape, calibrate));
      this.#queue = attempt.catch(() => undefined);
      const result = await attempt;
      const left = deadline - now();
      if (result.ok || signal?.aborted || left <= 0) return result;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([freed, new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
      if (signal?.aborted) return result;
    }
  }

  /** What admit would answer now, without taking a place (a cast checks before it sends the TV a URL). */
  async preview(ladder: readonly Rung[], shape: SourceShape, calibrate: Calibrate): Promise<{ ok: true; rung: Rung } | { ok: false; message: string }> {
    const attempt = this.#queue.then(() => this.#try(ladder, shape, calibrate, true));
    this.#queue = attempt.catch(() => undefined);
    const r = await attempt;
    return r.ok ? { ok: true, rung: r.ticket.rung } : r;
  }

  /** Waits (bounded) until every running conversion whose ffmpeg can be measured has been. */
  async #settle(maxMs: number, signal: AbortSignal | undefined, now: () => number): Promise<void> {
    const until = now() + maxMs;
    for (;;) {
      const pending = [...this.#running].some((r) => r.measurable && r.cost === undefined);
      const left = until - now();
      if (!pending || left <= 0 || signal?.aborted) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.#measuredOne.promise, this.#freed.promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))]);
      clearTimeout(timer);
    }
  }

  async #try(ladder: readonly Rung[], shape: SourceShape, calibrate: Calibrate, dryRun = false): Promise<Admission> {
    const holdings: Holding[] = [...this.#running].map((r) => ({ cost: r.cost ?? r.predicted, held: r.held }));
    const running = holdings.map((h) => h.cost);
    const factor = this.#factors.get(shape.key) ?? 1;
    const calibrated = new Map<Rung, number>();
    const free = freeOf(this.budget, holdings);
    // Calibrate lazily: the best rung first (its cost sets how many conversions of this source
    // the budget is planned for, hence this one's share), then the cheapest, so a refusal comes
    // after two encodes, not after the whole ladder. Each calibration is a couple of seconds of
    // CPU on a machine maybe already converting: the rungs between are measured only when the
    // cheapest leaves clear room (half as much again).
    let share = this.budget / plannedConversions(this.budget, undefined);
    let target = Math.min(share, free);
    const last = ladder.length - 1;
    const order = last > 0 ? [0, last] : [0];
    for (let step = 0; step < order.length; step++) {
      const rung = ladder[order[step]!]!;
      const c = await calibrate(rung);
      if (c === undefined) continue;
      calibrated.set(rung, c);
      const cost = predictCost(c, factor);
      if (order[step] === 0) {
        share = this.budget / plannedConversions(this.budget, cost);
        target = Math.min(share, free);
      }
      if (order[step] === last && last > 1 && cost * ROOM_FOR_BETTER <= target) {
        order.push(...ladder.slice(1, last).map((_, i) => i + 1));
        continue;
      }
      if (cost <= target) break;
    }
    const cost = (r: Rung): number | undefined => {
      const c = calibrated.get(r);
      return c === undefined ? undefined : predictCost(c, factor);
    };
    if (calibrated.size === 0) {
      if (running.length >= unmeasuredLimit(this.#o.cores)) {
        return { ok: false, message: `this machine cannot convert another video now: ${running.length} conversions are running and the encode speed could not be measured (the calibration encode failed)` };
      }
      return { ok: true, ticket: this.#ticket(ladder[0]!, 0, 0, 0, shape.key, dryRun), reason: `${ladder[0]!.id} (encode speed not measurable)` };
    }
    const choice = chooseRung(ladder, cost, holdings, this.budget, share);
    if (!choice.ok) return { ok: false, message: refusalMessage(choice, running.length, this.#o.cores) };
    return {
      ok: true,
      ticket: this.#ticket(choice.rung, choice.cost / factor, choice.cost, choice.held, shape.key, dryRun),
      reason: `${choice.rung.id}: needs ${choice.cost.toFixed(2)} cores of its ${share.toFixed(2)}-core share (${Math.round(this.budget / share)} planned at once), ${choice.free.toFixed(2)} free`,
    };
  }

  /** `base` is the prediction before the shape's learnt factor: what the measurement is compared with. */
  #ticket(rung: Rung, base: number, predicted: number, held: number, shape: string, dryRun = false): Ticket {
    const r: Running = { shape, rung, base, predicted, held, measurable: false, samples: [] };
    if (!dryRun) this.#running.add(r);
    let released = false;
    return {
      rung,
      predicted,
      attach: (pid) => {
        r.pid = pid;
        r.measurable = this.#o.cpuSecondsOf(pid) !== undefined;
        // CPU time is per process: a new ffmpeg starts a new series.
        r.samples = [];
      },
      progress: (mediaSeconds) => {
        if (r.pid === undefined) return;
        const cpu = this.#o.cpuSecondsOf(r.pid);
        if (cpu === undefined) return;
        r.samples.push({ cpuSeconds: cpu, mediaSeconds });
        if (r.samples.length > WINDOW + 1) r.samples.shift();
        const m = measuredCost(r.samples);
        if (m === undefined) return;
        const first = r.cost === undefined;
        r.cost = m;
        if (r.base > 0) this.#factors.set(r.shape, sourceFactor(m, r.base));
        if (first) {
          const measured = this.#measuredOne;
          this.#measuredOne = deferred();
          measured.resolve();
        }
      },
      measured: () => r.cost,
      release: () => {
        if (released) return;
        released = true;
        r.measurable = false;
        this.#running.delete(r);
        const freed = this.#freed;
        this.#freed = deferred();
        freed.resolve();
      },
    };
  }
}
