import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus, type AppEvent } from '../../src/events.js';

test('a throwing listener is reported and neither stops the others nor reaches the emitter', () => {
  const failures: Array<[string, string]> = [];
  const bus = new EventBus({ onListenerFailure: (err, e) => failures.push([(err as Error).message, e.event]) });
  const seen: AppEvent[] = [];
  bus.subscribe(() => {
    throw new Error('view broke');
  });
  bus.subscribe((e) => seen.push(e));
  assert.doesNotThrow(() => bus.emit('done', { infoHash: 'ab'.repeat(20) }));
  assert.equal(seen.length, 1);
  assert.deepEqual(failures, [['view broke', 'done']]);
});
