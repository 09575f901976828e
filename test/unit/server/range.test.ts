import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planByteServe } from '../../../src/server/range.js';

const plan = (rangeHeader: string | undefined, length = 1000, method = 'GET') => planByteServe({ method, rangeHeader, length, contentType: 'video/mp4' });

test('no Range: 200 with the whole length', () => {
  const p = plan(undefined);
  assert.equal(p.status, 200);
  assert.equal(p.headers['Content-Length'], '1000');
  assert.equal(p.headers['Accept-Ranges'], 'bytes');
  assert.deepEqual(p.range, { start: 0, end: 999 });
});

test('single ranges: 206 with Content-Range', () => {
  const cases: Array<[string, number, number]> = [
    ['bytes=0-99', 0, 99],
    ['bytes=900-', 900, 999],
    ['bytes=-100', 900, 999],
    ['bytes=950-5000', 950, 999],
  ];
  for (const [h, start, end] of cases) {
    const p = plan(h);
    assert.equal(p.status, 206, h);
    assert.deepEqual(p.range, { start, end }, h);
    assert.equal(p.headers['Content-Range'], `bytes ${start}-${end}/1000`);
    assert.equal(p.headers['Content-Length'], String(end - start + 1));
  }
});

test('unsatisfiable: 416 with bytes */length', () => {
  const p = plan('bytes=1000-1001');
  assert.equal(p.status, 416);
  assert.equal(p.headers['Content-Range'], 'bytes */1000');
  assert.equal(p.range, undefined);
});

test('malformed, multipart and oversized headers fall back to 200', () => {
  assert.equal(plan('bytes=abc').status, 200);
  assert.equal(plan('items=0-5').status, 200);
  assert.equal(plan('bytes=0-10,500-600').status, 200);
  assert.equal(plan(`bytes=${'0-1,'.repeat(400)}0-1`).status, 200);
});

test('HEAD keeps the headers and sends no body', () => {
  const p = plan('bytes=0-9', 1000, 'HEAD');
  assert.equal(p.status, 206);
  assert.equal(p.bodless, true);
});
