import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { BlameLedger } from '../../../src/core/smart-ban.js';

const digest = (b: Uint8Array) => crypto.createHash('sha1').update(b).digest('hex');
const good = [Buffer.from('block-0'), Buffer.from('block-1'), Buffer.from('block-2')];
const bad = Buffer.from('poison!');

test('a failed piece from one peer convicts that peer alone', () => {
  const ledger = new BlameLedger(digest);
  assert.deepEqual(ledger.onFail(3, { senders: ['x', 'x', 'x'], blocks: [bad, bad, bad] }), ['x']);
  assert.equal(ledger.needsSingleSource(3), false);
});

test('mixed contributors: nobody is blamed on failure; the good copy convicts only the peer whose block differs', () => {
  const ledger = new BlameLedger(digest);
  assert.deepEqual(ledger.onFail(7, { senders: ['honest', 'poisoner', 'honest2'], blocks: [good[0]!, bad, good[2]!] }), []);
  assert.equal(ledger.needsSingleSource(7), true);
  assert.deepEqual(ledger.onPass(7, good), ['poisoner']);
  assert.equal(ledger.needsSingleSource(7), false);
  assert.deepEqual(ledger.onPass(7, good), [], 'resolved once');
});

test('two failures merge; an honest peer seen on both stays innocent', () => {
  const ledger = new BlameLedger(digest);
  ledger.onFail(1, { senders: ['h', 'p1', 'h'], blocks: [good[0]!, bad, good[2]!] });
  ledger.onFail(1, { senders: ['p2', 'h', 'h'], blocks: [bad, good[1]!, good[2]!] });
  assert.deepEqual(ledger.onPass(1, good).sort(), ['p1', 'p2']);
});

test('forget drops a convicted peer from the records', () => {
  const ledger = new BlameLedger(digest);
  ledger.onFail(2, { senders: ['h', 'p'], blocks: [good[0]!, bad] });
  ledger.forget('p');
  ledger.forget('h');
  assert.equal(ledger.pendingPieces, 0);
});
