import assert from 'node:assert/strict';
import test from 'node:test';
import { budgetFor, chooseRung, measuredCost, predictCost, refusalMessage, sourceFactor } from '../../../src/transcode/capacity.js';
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

test('a conversion gets the best rung that fits beside the running ones; the third on two cores is refused', () => {
  const budget = budgetFor(2);
  assert.equal(budget, 1.8);
  const first = chooseRung(ladder, cost, [], budget);
  assert.ok(first.ok && first.rung.id === '1080p-veryfast');
  const second = chooseRung(ladder, cost, [1.2], budget);
  assert.ok(second.ok && second.rung.id === '720p-superfast', 'free 0.6: 720p veryfast (0.65) does not fit, superfast does');
  const third = chooseRung(ladder, cost, [1.2, 0.5], budget);
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
  const load = new ConversionLoad({ cores: 2, cpuSecondsOf: () => cpu });
  const calibrated: string[] = [];
  const calibrate = async (r: Rung): Promise<number | undefined> => (calibrated.push(r.id), costs[r.id]);
  const shape = { key: 'hevc/yuv420p10le/1080' };
  const a = await load.admit(ladder, shape, calibrate, 0);
  assert.ok(a.ok);
  assert.equal(a.ticket.rung.id, '1080p-veryfast');
  assert.deepEqual(calibrated, ['1080p-veryfast'], 'an idle machine measures one rung');
  // It really costs 1.5 cores (the source decodes dearer than the calibration picture).
  a.ticket.attach(1234);
  for (let s = 0; s <= 4; s++) {
    cpu = 10 + s * 1.5;
    a.ticket.progress(s);
  }
  assert.equal(a.ticket.measured(), 1.5);
  assert.deepEqual(load.costs(), [{ rung: '1080p-veryfast', cost: 1.5, measured: true }]);
  // Free 0.3: with the shape's factor 1.25 no rung fits (720p ultrafast would be 0.5).
  const b = await load.admit(ladder, shape, calibrate, 0);
  assert.equal(b.ok, false);
  if (!b.ok) assert.match(b.message, /0\.50 cores where 0\.30 are free/);
  // A request that may wait is admitted when the first conversion ends.
  const waiting = load.admit(ladder, shape, calibrate, 60_000);
  setTimeout(() => a.ticket.release(), 20);
  const c = await waiting;
  assert.ok(c.ok);
  assert.equal(c.ticket.rung.id, '1080p-veryfast');
  assert.equal(c.ticket.predicted, 1.5, 'the learnt factor carries to the next prediction');
  c.ticket.release();
});

test('ConversionLoad: the best rung, then the cheapest; the rungs between only when the cheapest leaves clear room', async () => {
  const load = new ConversionLoad({ cores: 2, cpuSecondsOf: () => undefined });
  const calibrated: string[] = [];
  const calibrate = async (r: Rung): Promise<number | undefined> => (calibrated.push(r.id), costs[r.id]);
  const a = await load.admit(ladder, { key: 'k' }, calibrate, 0);
  assert.ok(a.ok && a.ticket.rung.id === '1080p-veryfast');
  calibrated.length = 0;
  const b = await load.admit(ladder, { key: 'k' }, calibrate, 0);
  assert.ok(b.ok && b.ticket.rung.id === '720p-superfast', 'free 0.6 is 1.5x the cheapest (0.4): the best rung between that fits');
  assert.deepEqual(calibrated, ['1080p-veryfast', '720p-ultrafast', '720p-veryfast', '720p-superfast']);
  calibrated.length = 0;
  const c = await load.admit(ladder, { key: 'k' }, calibrate, 0);
  assert.equal(c.ok, false);
  assert.deepEqual(calibrated, ['1080p-veryfast', '720p-ultrafast'], 'refused after two calibrations');
  if (b.ok) b.ticket.release();
  // Free 0.55 is less than 1.5x the cheapest: the cheapest at once.
  const tight = new ConversionLoad({ cores: 2, cpuSecondsOf: () => undefined });
  const big = await tight.admit(ladder, { key: 'k' }, async (r) => (r.id === '1080p-veryfast' ? 1.25 : costs[r.id]), 0);
  calibrated.length = 0;
  const d = await tight.admit(ladder, { key: 'k' }, calibrate, 0);
  assert.ok(d.ok && d.ticket.rung.id === '720p-ultrafast');
  assert.deepEqual(calibrated, ['1080p-veryfast', '720p-ultrafast']);
  if (d.ok) d.ticket.release();
  if (big.ok) big.ticket.release();
  if (a.ok) a.ticket.release();
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
    cpu = s * 1.3;
    a.ticket.progress(s);
  }
  const second = await b;
  // On the prediction (1.2, 0.6 free) it would get 720p superfast (0.5); measured 1.3 leaves 0.5
  // free and teaches a factor of 1.08: superfast would be 0.54, ultrafast (0.43) fits.
  assert.ok(second.ok);
  assert.equal(second.ticket.rung.id, '720p-ultrafast');
  second.ticket.release();
  a.ticket.release();
});
