import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spyChart } from '../../../src/web/client/spy-chart.js';

const geometry = { width: 120, height: 70, padding: 10 };

test('spyChart scales both series into the padded box, oldest on the left', () => {
  const chart = spyChart(
    [
      { time: 2000, discovered: 4, active: 2 },
      { time: 0, discovered: 0, active: 0 },
      { time: 1000, discovered: 2, active: 1 },
    ],
    geometry,
  );
  assert.equal(chart.maxValue, 4);
  assert.equal(chart.discoveredPoints, '10,60 60,35 110,10');
  assert.equal(chart.activePoints, '10,60 60,47.5 110,35');
  assert.equal(chart.firstTime, 0);
  assert.equal(chart.lastTime, 2000);
});

test('spyChart: ISO times, one sample, no samples, all zero, bad times', () => {
  const iso = spyChart([{ time: '2026-01-01T00:00:00Z', discovered: 1, active: 1 }, { time: '2026-01-01T00:01:00Z', discovered: 1, active: 0 }], geometry);
  assert.equal(iso.activePoints, '10,10 110,60');
  assert.equal(spyChart([{ time: 5, discovered: 3, active: 3 }], geometry).discoveredPoints, '10,10 110,10', 'one sample is a flat line');
  assert.deepEqual(spyChart([], geometry), { discoveredPoints: '', activePoints: '', maxValue: 0, firstTime: undefined, lastTime: undefined });
  assert.equal(spyChart([{ time: 0, discovered: 0, active: 0 }, { time: 1, discovered: 0, active: 0 }], geometry).maxValue, 1, 'no division by zero');
  assert.equal(spyChart([{ time: 'garbage', discovered: 9, active: 9 }], geometry).discoveredPoints, '');
});
