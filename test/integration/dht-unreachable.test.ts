/**
 * Offline or firewalled (issue 13): when no DHT node answers, the service says so as a `warning`
 * (E_NO_PEERS) naming what was tried (a bootstrap name that did not resolve, through an injected
 * resolver; a node at an unused loopback port that timed out), shows 0 DHT nodes in
 * /api/torrents, keeps retrying with a growing pause, and recovers once a node answers there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import DHT from 'bittorrent-dht';
import { startDhtNetwork } from '../sim/dht-network.js';
import { startService } from '../sim/service.js';
import { until } from '../sim/wait.js';
import { EventBus } from '../../src/events.js';
import { PrivateLookupPeerSource } from '../../src/privacy/private-lookup.js';

const INFO_HASH = 'c9e15763f722f23e98a29decdfae341b98d53056';
const SILENT_HOST = '127.69.0.9';

async function unusedUdpPort(host: string): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, host, () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('no DHT node answers: a warning says what was tried, dhtNodes is 0, retries reach a node once one listens', { timeout: 60_000 }, async () => {
  const port = await unusedUdpPort(SILENT_HOST);
  const bus = new EventBus();
  const resolved: string[] = [];
  const source = new PrivateLookupPeerSource({
    bootstrap: [`${SILENT_HOST}:${port}`, 'router.nowhere.test:6881'],
    bindAddress: '127.69.0.4',
    bus,
    krpcTimeoutMs: 1_000,
    resolveHost: async (name) => {
      resolved.push(name);
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    },
  });
  const svc = await startService({ bootstrap: [], peerSource: source });
  bus.subscribe((e) => svc.events.push(e));
  let network: Awaited<ReturnType<typeof startDhtNetwork>> | undefined;
  let revived: DHT | undefined;
  const warnings = () => svc.events.flatMap((e) => (e.event === 'warning' && e.code === 'E_NO_PEERS' ? [e.message] : []));
  const dhtNodes = async () => ((await (await fetch(`${svc.baseUrl}/api/torrents`)).json()) as Array<{ dhtNodes?: number }>)[0]?.dhtNodes;
  try {
    await svc.manager.add(INFO_HASH);
    // Issue 13 asks for the warning within 10 s of the start (a 1 s KRPC timeout here, 2 s by default).
    await until('the first E_NO_PEERS warning', () => warnings().length > 0, 10_000);
    const [first] = warnings();
    assert.match(first!, /^no DHT node answered; /);
    assert.match(first!, /bootstrap names that did not resolve: router\.nowhere\.test:6881 \(ENOTFOUND\)/);
    assert.match(first!, new RegExp(`nodes that timed out: ${SILENT_HOST.replace(/\./g, '\\.')}:${port}`));
    assert.match(first!, /retrying in 2 s/);
    assert.deepEqual(resolved, ['router.nowhere.test'], 'the name went to the injected resolver, not the network');
    assert.equal(await dhtNodes(), 0);
    await until('a second warning after the retry', () => warnings().length > 1);
    assert.match(warnings()[1]!, /retrying in 4 s/, 'the pause grows');

    // The network comes back: a node starts listening where the silent bootstrap was.
    network = await startDhtNetwork({ size: 30, addressBlock: 54 });
    revived = new DHT({ bootstrap: false, host: false });
    revived.on('error', () => {});
    revived.on('warning', () => {});
    await new Promise<void>((r) => revived!.listen(port, SILENT_HOST, () => r()));
    for (const n of network.nodes) revived.addNode({ id: n.id, host: n.host, port: n.port });
    let reached = 0;
    await until('a retry that reaches the DHT', async () => (reached = (await dhtNodes()) ?? 0) > 0);
    assert.ok(reached >= 20, `the retry reached the DHT (${reached} nodes)`);
  } finally {
    await svc.close();
    await source.close();
    if (revived) await new Promise<void>((r) => revived!.destroy(() => r()));
    await network?.close();
  }
});
