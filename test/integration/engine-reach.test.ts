/**
 * The engine's reach at its own level (a static peer list instead of the DHT): dead addresses do
 * not hold the stream back, and MSE is used, refused and required as the policy says. The same
 * properties against libtorrent peers found through the DHT are in reach.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { makeFixture, removeFixture, type TorrentFixture } from '../sim/fixtures.js';
import { startEngineWorld } from '../sim/engine-world.js';
import { withSentBytesTap, withSilentHosts } from '../sim/transport-taps.js';
import { createTcpTransport } from '../../src/transport/tcp.js';

async function fixture(seed: number, length = 4 * 1024 * 1024): Promise<TorrentFixture> {
  return makeFixture({ name: `r${seed}.mkv`, files: [{ name: `r${seed}.mkv`, length }], seed, pieceLength: 256 * 1024 });
}

async function timedRead(w: Awaited<ReturnType<typeof startEngineWorld>>): Promise<{ bytes: Buffer; ms: number }> {
  const t0 = Date.now();
  const bytes = await w.read(0);
  return { bytes, ms: Date.now() - t0 };
}

test('one seeder listed after 30 refused and 30 silent addresses: byte-exact, without waiting on the dead', async () => {
  const fx = await fixture(201);
  const refused = Array.from({ length: 30 }, (_, i) => ({ host: `127.181.1.${i + 1}`, port: 6881 }));
  const silentHosts = Array.from({ length: 30 }, (_, i) => `127.181.2.${i + 1}`);
  const tcp = withSilentHosts(createTcpTransport({ bindAddress: '127.181.0.1' }), new Set(silentHosts));
  const w = await startEngineWorld({ fixture: fx, seeders: [{}], hostByte: 181, otherPeers: [...refused, ...silentHosts.map((host) => ({ host, port: 6881 }))], transports: [tcp] });
  try {
    const { bytes, ms } = await timedRead(w);
    assert.ok(bytes.equals(fx.content), 'byte-exact');
    assert.ok(tcp.silentDials >= 30, `every silent address was tried (${tcp.silentDials})`);
    // The silent dials time out after 3 s; the seeder must not have waited behind them.
    assert.ok(ms < 2_500, `read in ${ms} ms`);
    const unreachable = w.peers.verdicts.filter((v) => v.verdict === 'unreachable');
    assert.ok(unreachable.filter((v) => v.peer.startsWith('127.181.1.')).length >= 30, 'each refused dial was reported unreachable');
  } finally {
    await w.close();
    removeFixture(fx);
  }
});

test('a refused address is retried with backoff and then given up, not dialled endlessly', async () => {
  const fx = await fixture(202, 512 * 1024);
  // A port that accepts and closes at once: every attempt reaches it, so attempts can be counted.
  let accepted = 0;
  const closer = net.createServer((s) => {
    accepted++;
    s.destroy();
  });
  await new Promise<void>((r) => closer.listen(0, '127.181.3.1', r));
  const port = (closer.address() as net.AddressInfo).port;
  const w = await startEngineWorld({ fixture: fx, seeders: [{ rateBytesPerSec: 40_000 }], hostByte: 182, otherPeers: [{ host: '127.181.3.1', port }] });
  try {
    await new Promise((r) => setTimeout(r, 5_000));
    // First try (MSE, then its one plaintext redial), then one retry after the first 4 s pause.
    assert.ok(accepted >= 2 && accepted <= 4, `attempts in 5 s: ${accepted}`);
    const verdicts = w.peers.verdicts.filter((v) => v.peer === `127.181.3.1:${port}`).map((v) => v.verdict);
    assert.ok(verdicts.every((v) => v === 'unreachable') && verdicts.length >= 1, verdicts.join(','));
  } finally {
    await w.close();
    closer.close();
    removeFixture(fx);
  }
});

test('default policy: a seeder that accepts MSE gets RC4, and the infohash never crosses in the clear', async () => {
  const fx = await fixture(203);
  const tap = withSentBytesTap(createTcpTransport({ bindAddress: '127.183.0.100' }));
  const w = await startEngineWorld({ fixture: fx, seeders: [{ encryption: 'accept' }, { encryption: 'require' }], hostByte: 183, transports: [tap] });
  try {
    const bytes = await w.read(0);
    assert.ok(bytes.equals(fx.content), 'byte-exact');
    assert.equal(w.seeders[0]!.plaintextHandshakes + w.seeders[1]!.plaintextHandshakes, 0, 'no plaintext handshake');
    assert.ok(w.seeders[0]!.encryptedHandshakes >= 1 && w.seeders[1]!.encryptedHandshakes >= 1, 'both seeders saw RC4');
    const all = Buffer.concat(tap.sent);
    assert.ok(all.length > 1000, 'the tap saw our traffic');
    assert.equal(all.indexOf(Buffer.from(fx.infoHash, 'hex')), -1, 'the infohash is not in anything we sent');
    const connected = w.events.filter((e) => e.event === 'peer' && e.state === 'connected');
    assert.ok(connected.length >= 2 && connected.every((e) => e.event === 'peer' && e.encryption === 'rc4' && e.transport === 'tcp'), 'events say tcp + rc4');
  } finally {
    await w.close();
    removeFixture(fx);
  }
});

test('prefer: a plaintext-only seeder gets one plaintext redial, and it is remembered', async () => {
  const fx = await fixture(204);
  const w = await startEngineWorld({ fixture: fx, seeders: [{ encryption: 'off' }], hostByte: 184 });
  try {
    const bytes = await w.read(0);
    assert.ok(bytes.equals(fx.content), 'byte-exact');
    assert.equal(w.seeders[0]!.plaintextHandshakes, 1);
    assert.equal(w.seeders[0]!.encryptedHandshakes, 0);
    assert.equal(w.seeders[0]!.connections, 2, 'one refused MSE attempt, one plaintext');
  } finally {
    await w.close();
    removeFixture(fx);
  }
});

test('require: a plaintext-only seeder is never used; off: a seeder that requires RC4 is never reached', async () => {
  const fx = await fixture(205, 512 * 1024);
  const strict = await startEngineWorld({ fixture: fx, seeders: [{ encryption: 'off' }], hostByte: 185, encryption: 'require' });
  const open = await startEngineWorld({ fixture: fx, seeders: [{ encryption: 'require' }], hostByte: 186, encryption: 'off' });
  try {
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(strict.seeders[0]!.plaintextHandshakes, 0, 'require never sent a plaintext handshake');
    assert.equal(strict.session.status().verifiedPieces, 0);
    assert.equal(open.seeders[0]!.encryptedHandshakes + open.seeders[0]!.plaintextHandshakes, 0, 'off cannot reach an RC4-only seeder');
    assert.equal(open.session.status().verifiedPieces, 0);
    assert.ok(strict.peers.verdicts.some((v) => v.verdict === 'unreachable') && open.peers.verdicts.some((v) => v.verdict === 'unreachable'));
  } finally {
    await strict.close({ keepData: false });
    await open.close();
    removeFixture(fx);
  }
});
