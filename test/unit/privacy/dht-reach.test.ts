import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveBootstrap, retryDelayMs, unreachableMessage, UNREACHABLE_RETRY_MAX_MS } from '../../../src/privacy/dht-reach.js';

test('bootstrap names go through the resolver; IPs do not; failures and hangs are named', async () => {
  const asked: string[] = [];
  const r = await resolveBootstrap(
    [{ host: '127.50.0.1', port: 1 }, { host: 'good.test', port: 2 }, { host: 'bad.test', port: 3 }, { host: 'slow.test', port: 4 }],
    async (name) => {
      asked.push(name);
      if (name === 'good.test') return '127.50.0.2';
      if (name === 'slow.test') return new Promise<string>(() => {});
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    },
    50,
  );
  assert.deepEqual(asked.sort(), ['bad.test', 'good.test', 'slow.test']);
  assert.deepEqual(r.nodes.sort((a, b) => a.port - b.port), [{ host: '127.50.0.1', port: 1 }, { host: '127.50.0.2', port: 2 }]);
  assert.deepEqual(r.unresolved.sort(), ['bad.test:3 (ENOTFOUND)', 'slow.test:4 (ETIMEOUT)']);
});

test('the retry pause doubles up to its cap', () => {
  assert.deepEqual([1, 2, 3, 4].map(retryDelayMs), [2_000, 4_000, 8_000, 16_000]);
  assert.equal(retryDelayMs(30), UNREACHABLE_RETRY_MAX_MS);
});

test('the warning names what was tried', () => {
  const silent = Array.from({ length: 10 }, (_, i) => ({ host: `127.50.0.${i + 1}`, port: 6881, why: 'timed out' }));
  const msg = unreachableMessage({ unresolved: ['router.test:6881 (ENOTFOUND)'], silent: [...silent, { host: '127.50.1.1', port: 1, why: 'EPERM' }], retryInMs: 4_000 });
  assert.equal(
    msg,
    'no DHT node answered; bootstrap names that did not resolve: router.test:6881 (ENOTFOUND); nodes that timed out: 127.50.0.1:6881, 127.50.0.2:6881, 127.50.0.3:6881, 127.50.0.4:6881, 127.50.0.5:6881, 127.50.0.6:6881, 127.50.0.7:6881, 127.50.0.8:6881 and 2 more; nodes that could not be reached: 127.50.1.1:1 (EPERM). Check the network and --dht-bootstrap; retrying in 4 s',
  );
  assert.match(unreachableMessage({ unresolved: [], silent: [], retryInMs: 2_000 }), /no bootstrap node to ask/);
});
