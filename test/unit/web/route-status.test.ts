import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute, routeLine } from '../../../src/web/client/route-status.js';
import { parseEventData } from '../../../src/web/client/live-events.js';

test('the web remote states the route, and a blocked one with its reason', () => {
  const ok = parseRoute({ route: 'proxy', label: 'via proxy 10.0.0.1:1080', blocked: false });
  assert.deepEqual(routeLine(ok!), { text: 'Torrent traffic: via proxy 10.0.0.1:1080', state: 'ok' });
  const blocked = parseRoute({ route: 'bound', label: 'bound to tun0 10.8.0.2', blocked: true, message: '--bind-interface tun0: the address is gone' });
  assert.deepEqual(routeLine(blocked!), { text: 'Torrent traffic blocked (bound to tun0 10.8.0.2): --bind-interface tun0: the address is gone', state: 'blocked' });
  for (const junk of [null, 'x', { label: 'a' }, { route: 'proxy', label: 1, blocked: true }, { route: 'proxy', label: 'a', blocked: 'yes' }]) assert.equal(parseRoute(junk), undefined);
  assert.equal(parseEventData(JSON.stringify({ event: 'route', time: 't', route: 'direct', label: 'direct', blocked: false }))?.event, 'route');
  assert.equal(parseEventData(JSON.stringify({ event: 'route', time: 't', label: 'direct' })), undefined);
});
