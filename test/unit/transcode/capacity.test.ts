import assert from 'node:assert/strict';
import test from 'node:test';
import { budgetFor, chooseRung, measuredCost, plannedConversions, predictCost, refusalMessage, shareFor, sourceFactor, type Holding } from '../../../src/transcode/capacity.js';
import { ConversionLoad } from '../../../src/transcode/conversion-load.js';
import { ladderFor, screenBitrateFor, type Rung } from '../../../src/transcode/ladder.js';

test('the ladder steps 1080p down to 720p before faster presets, and caps the frame rate last only when it helps', () => {
  assert.deepEqual(ladderFor(1080, 24).map((r) => r.id), ['1080p-veryfast', '720p-veryfast', '720p-superfast', '720p-ultrafast']);
  assert.deepEqual(ladderFor(1080, 60).map((r) => r.id), ['1080p-veryfast', '720p-veryfast', '720p-superfast', '720p-ultrafast', '720p-ultrafast-30fps']);
  assert.deepEqual(ladderFor(480, 25).map((r) => r.id), ['480p-veryfast', '480p-superfast', '480p-ultrafast']);
  assert.equal(ladderFor(2160).at(-1)!.maxFps, 30, 'an unknown rate keeps the capped rung');
  assert.deepEqual(ladderFor(2160, 24).map((r) => r.id).slice(0, 3), ['2160p-veryfast', '1080p-veryfast', '720p-veryfast']);
  assert.ok(screenBitrateFor(1080) > screenBitrateFor(720) && screenBitrateFor(720) > screenBitrateFor(480));
});

const ladder = ladderFor(1080, 24);
const costs: Record<string, number> = { '1080p-veryfast': 1.2, '720p-veryfast': 0.65, '720p-superfast': 0.5, '720p-ultrafast': 0.4 };
const cost = (r: Rung): number | undefined => costs[r.id];

const at = (...costs: number[]): Holding[] => costs.map((c) => ({ cost: c, held: c }));

test('without a plan, a conversion gets the best rung that fits beside the running ones; the third on two cores is refused', () => {
  const budget = budgetFor(2);
  assert.equal(budget, 1.8);
  const first = chooseRung(ladder, cost, [], budget);
  assert.ok(first.ok && first.rung.id === '1080p-veryfast');
  const second = chooseRung(ladder, cost, at(1.2), budget);
  assert.ok(second.ok && second.rung.id === '720p-superfast', 'free 0.6: 720p veryfast (0.65) does not fit, superfast does');
  const third = chooseRung(ladder, cost, at(1.2, 0.5), budget);
  assert.equal(third.ok, false);
  if (!third.ok) {
    assert.equal(third.cheapestRung.id, '720p-ultrafast');
    const msg = refusalMessage(third, 2, 2);
    assert.match(msg, /cannot convert another video in real time/);
    assert.match(msg, /2 conversions already use its 2-core capacity/);
    assert.match(msg, /720p \(ultrafast\) this one needs 0\.40 cores where 0\.10 are free/);
  }
  assert.equal(chooseRung(ladder, () => undefined, [], budget).ok, false, 'no known cost admits nothing');
});

// Measured on the 2-core machine (ffmpeg -benchmark, 8 s of the bench's 1080p 10-bit HEVC film).
const measured2core: Record<string, number> = { '1080p-veryfast': 1.09, '720p-veryfast': 0.59, '720p-superfast': 0.56, '720p-ultrafast': 0.44 };
const cost2core = (r: Rung): number | undefined => measured2core[r.id];

test('planned conversions: as many as the budget holds at the best rung, never fewer than two', () => {
  assert.equal(plannedConversions(1.8, 1.09), 2, 'one 1080p fits in 1.8 cores, but two screens are planned for');
  assert.equal(plannedConversions(1.8, 0.3), 6);
  assert.equal(plannedConversions(1.8, 0.9), 2, 'exactly two shares');
  assert.equal(plannedConversions(7.2, 1.09), 6);
  assert.equal(plannedConversions(1.8, undefined), 2, 'without a measurement: the minimum');
  assert.equal(plannedConversions(1.8, 0), 2);
  assert.equal(shareFor(1.8, 1.09), 0.9);
  assert.equal(shareFor(7.2, 1.2), 1.2);
});

test('two cores: each conversion of the 1080p HEVC film is planned for half the budget, so two hold real time and a third is refused', () => {
  const budget = budgetFor(2);
  const share = shareFor(budget, measured2core['1080p-veryfast']);
  const first = chooseRung(ladder, cost2core, [], budget, share);
  assert.ok(first.ok);
  assert.equal(first.rung.id, '720p-veryfast', 'a lone viewer gets 720p: 1080p (1.09) is more than its 0.9 share');
  assert.equal(first.held, 0.9, 'it holds its whole share, not just its 0.59');
  const second = chooseRung(ladder, cost2core, [{ cost: first.cost, held: first.held }], budget, share);
  assert.ok(second.ok && second.rung.id === '720p-veryfast');
  const running = [{ cost: 0.59, held: 0.9 }, { cost: second.cost, held: second.held }];
  const third = chooseRung(ladder, cost2core, running, budget, share);
  assert.equal(third.ok, false, '0.62 cores are idle by cost, but both shares are held');
  if (!third.ok) {
    assert.ok(third.idle > third.cheapest);
    assert.match(refusalMessage(third, 2, 2), /cannot convert another video in real time: 2 conversions already hold 1\.80 cores of its 2-core capacity \(each keeps the share it was planned with, so that all stay in real time\), and even at 720p \(ultrafast\) this one needs 0\.44 cores where 0\.00 are left/);
  }
  // The old rule (no share) kept a lone viewer at 1080p and left 0.71 for the second: 1.68 of 1.8 planned, below real time when measured.
  const unplanned = chooseRung(ladder, cost2core, [], budget);
  assert.ok(unplanned.ok && unplanned.rung.id === '1080p-veryfast');
});

test('a conversion dearer than its share holds its cost; the last one takes what is left; a bigger machine keeps 1080p', () => {
  const budget = budgetFor(2);
  const dear: Holding = { cost: 1.2, held: 0.9 };
  const next = chooseRung(ladder, cost2core, [dear], budget, 0.9);
  assert.ok(next.ok && next.rung.id === '720p-veryfast', '0.6 left of a 0.9 share: 720p veryfast (0.59) still fits');
  assert.ok(next.ok && Math.abs(next.held - 0.6) < 1e-9, 'it holds what was left, less than a share');
  const big = budgetFor(8);
  const share = shareFor(big, measured2core['1080p-veryfast']);
  assert.equal(plannedConversions(big, 1.09), 6);
  const lone = chooseRung(ladder, cost2core, [], big, share);
  assert.ok(lone.ok && lone.rung.id === '1080p-veryfast');
});

test('the cost is CPU seconds per media second over the readings, once two seconds of media went by', () => {
  assert.equal(measuredCost([{ cpuSeconds: 1, mediaSeconds: 0 }]), undefined);
  assert.equal(measuredCost([{ cpuSeconds: 1, mediaSeconds: 0 }, { cpuSeconds: 2, mediaSeconds: 1.5 }]), undefined);
  assert.equal(measuredCost([{ cpuSeconds: 1, mediaSeconds: 0 }, { cpuSeconds: 3, mediaSeconds: 1 }, { cpuSeconds: 4.2, mediaSeconds: 4 }]), 0.8);
  assert.equal(sourceFactor(1.3, 0.65), 2);
  assert.equal(sourceFactor(100, 0.1), 4, 'bounded above');
  assert.equal(sourceFactor(0.01, 1), 0.5, 'bounded below');
  assert.equal(predictCost(0.5), 0.5);
  assert.equal(predictCost(0.5, 1.5), 0.75);
});

test('ConversionLoad: measured costs replace predictions, teach the source shape, and a refused request waits for a release', async () => {
  let cpu = 0;
  const load = new ConversionLoad({ cores: 4, cpuSecondsOf: () => cpu });
  const calibrated: string[] = [];
  const calibrate = async (r: Rung): Promise<number | undefined> => (calibrated.push(r.id), costs[r.id]);
  const shape = { key: 'hevc/yuv420p10le/1080' };
  const a = await load.admit(ladder, shape, calibrate, 0);
  assert.ok(a.ok);
  assert.equal(a.ticket.rung.id, '1080p-veryfast', '3.6 cores are planned for three at 1.2');
  assert.deepEqual(calibrated, ['1080p-veryfast'], 'an idle machine measures one rung');
  // It really costs 3 cores (the source decodes dearer than the calibration picture).
  a.ticket.attach(1234);
  for (let s = 0; s <= 4; s++) {
    cpu = 10 + s * 3;
    a.ticket.progress(s);
  }
  assert.equal(a.ticket.measured(), 3);
  assert.deepEqual(load.costs(), [{ rung: '1080p-veryfast', cost: 3, measured: true, held: 3 }]);
  // Free 0.6: with the shape's factor 2.5 no rung fits (720p ultrafast would be 1.0).
  const b = await load.admit(ladder, shape, calibrate, 0);
  assert.equal(b.ok, false);
  if (!b.ok) assert.match(b.message, /1 conversion already uses its 4-core capacity, and even at 720p \(ultrafast\) this one needs 1\.00 cores where 0\.60 are free/);
  // A request that may wait is admitted when the first conversion ends.
  const waiting = load.admit(ladder, shape, calibrate, 60_000);
  setTimeout(() => a.ticket.release(), 20);
  const c = await waiting;
  assert.ok(c.ok);
  assert.equal(c.ticket.rung.id, '720p-veryfast', 'the learnt factor makes 1080p (3.0) more than a 1.8 share');
  assert.ok(Math.abs(c.ticket.predicted - 0.65 * 2.5) < 1e-9, 'the learnt factor carries to the next prediction');
  c.ticket.release();
});

test('ConversionLoad: the best rung, then the cheapest; the rungs between only when the cheapest leaves clear room', async () => {
  const load = new ConversionLoad({ cores: 2, cpuSecondsOf: () => undefined });
  const calibrated: string[] = [];
  const calibrate = async (r: Rung): Promise<number | undefined> => (calibrated.push(r.id), costs[r.id]);
  const a = await load.admit(ladder, { key: 'k' }, calibrate, 0);
  assert.ok(a.ok && a.ticket.rung.id === '720p-veryfast', 'a 0.9 share: 1080p (1.2) does not fit');
  assert.deepEqual(calibrated, ['1080p-veryfast', '720p-ultrafast', '720p-veryfast'], 'the share is 1.5x the cheapest (0.4): the best rung between that fits');
  calibrated.length = 0;
  const b = await load.admit(ladder, { key: 'k' }, calibrate, 0);
  assert.ok(b.ok && b.ticket.rung.id === '720p-veryfast', 'the second gets the same share');
  calibrated.length = 0;
  const c = await load.admit(ladder, { key: 'k' }, calibrate, 0);
  assert.equal(c.ok, false);
  assert.deepEqual(calibrated, ['1080p-veryfast', '720p-ultrafast'], 'refused after two calibrations');
  if (!c.ok) assert.match(c.message, /2 conversions already hold 1\.80 cores of its 2-core capacity/);
  if (b.ok) b.ticket.release();
  if (a.ok) a.ticket.release();
  // A running conversion measured at 1.25 leaves 0.55, less than 1.5x the cheapest: the cheapest at once.
  let cpu = 0;
  const tight = new ConversionLoad({ cores: 2, cpuSecondsOf: () => cpu, settleMs: 0 });
  const big = await tight.admit(ladder, { key: 'other' }, calibrate, 0);
  assert.ok(big.ok);
  big.ticket.attach(7);
  for (let s = 0; s <= 2; s++) {
    cpu = s * 1.25;
    big.ticket.progress(s);
  }
  calibrated.length = 0;
  const d = await tight.admit(ladder, { key: 'k' }, calibrate, 0);
  assert.ok(d.ok && d.ticket.rung.id === '720p-ultrafast');
  assert.deepEqual(calibrated, ['1080p-veryfast', '720p-ultrafast']);
  if (d.ok) d.ticket.release();
  big.ticket.release();
});

test('ConversionLoad: when nothing can be calibrated, one conversion per core', async () => {
  const load = new ConversionLoad({ cores: 1, cpuSecondsOf: () => undefined });
  const none = async (): Promise<undefined> => undefined;
  const a = await load.admit(ladder, { key: 'x' }, none, 0);
  assert.ok(a.ok);
  const b = await load.admit(ladder, { key: 'x' }, none, 0);
  assert.equal(b.ok, false);
  if (!b.ok) assert.match(b.message, /encode speed could not be measured/);
});

test('ConversionLoad: a new request waits for a running conversion to be measured, and is judged on the real cost', async () => {
  let cpu = 0;
  const load = new ConversionLoad({ cores: 2, cpuSecondsOf: () => cpu, settleMs: 60_000 });
  const calibrate = async (r: Rung): Promise<number | undefined> => costs[r.id];
  const shape = { key: 'hevc/yuv420p10le/1080' };
  const a = await load.admit(ladder, shape, calibrate, 0);
  assert.ok(a.ok);
  a.ticket.attach(99);
  let settled = false;
  const b = load.admit(ladder, shape, calibrate, 60_000).then((x) => ((settled = true), x));
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, 'it waits for the running conversion to be measured');
  for (let s = 0; s <= 2; s++) {
    cpu = s * 1;
    a.ticket.progress(s);
  }
  const second = await b;
  // On the prediction (720p veryfast at 0.65 holding its 0.9 share) it would get 720p veryfast;
  // measured 1.0 leaves 0.8 and teaches a factor of 1.54: veryfast would be 1.0, ultrafast (0.62) fits.
  assert.ok(second.ok);
  assert.equal(second.ticket.rung.id, '720p-ultrafast');
  second.ticket.release();
  a.ticket.release();
});
