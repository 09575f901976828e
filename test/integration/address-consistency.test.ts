/**
 * `--host` on one address and `--interface` on another: the DLNA server does not announce a
 * LOCATION where nothing listens, and says so with a structured warning (code W_DLNA_ADDRESS);
 * with both on the same address it announces and warns nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';
import { DLNA_PATHS } from '../../src/adapters/upnp-descriptions.js';

const ssdpPort = 20_000 + (process.pid % 20_000);

test('a --host/--interface mismatch is a warning event and no announcement; agreeing addresses announce quietly', async (t) => {
  const own = closesAfter(t);
  const mismatched = own(await startService({ bootstrap: [], host: '127.210.0.1', config: { interface: '127.0.0.1' }, service: { tvs: false, mediaServer: { ssdpPort } } }));
  const warning = mismatched.events.find((e) => e.event === 'warning' && e.code === 'W_DLNA_ADDRESS');
  assert.ok(warning && warning.event === 'warning');
  assert.match(warning.message, /--interface 127\.0\.0\.1 is not where HTTP listens \(--host 127\.210\.0\.1\)/);
  await mismatched.close();

  const agreeing = own(await startService({ bootstrap: [], host: '127.0.0.1', config: { interface: '127.0.0.1' }, service: { tvs: false, mediaServer: { ssdpPort: ssdpPort + 1 } } }));
  assert.equal(agreeing.events.filter((e) => e.event === 'warning' && e.code === 'W_DLNA_ADDRESS').length, 0);
  // The LOCATION it announces answers.
  const description = await fetch(`http://127.0.0.1:${new URL(agreeing.baseUrl).port}${DLNA_PATHS.description}`);
  assert.equal(description.status, 200);
  assert.match(await description.text(), /MediaServer:1/);
});
