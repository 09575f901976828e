/**
 * The download engine against peers that misbehave, all on loopback and byte-exact: a peer that
 * unchokes and never sends, a peer that chokes mid-piece, corrupt blocks mixed with honest ones in
 * the same pieces, a far seek while a slow peer holds blocks near the old position, end-game,
 * resume, two readers of one file, and every peer gone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { makeFixture, removeFixture, type TorrentFixture } from '../sim/fixtures.js';
import { startEngineWorld } from '../sim/engine-world.js';
import { recordNetworkPieces } from '../sim/pieces.js';
import { startSeeder } from '../sim/seeder.js';

async function fixture(seed: number, length = 4 * 1024 * 1024, pieceLength = 256 * 1024): Promise<TorrentFixture> {
  return makeFixture({ name: `e${seed}.mkv`, files: [{ name: `e${seed}.mkv`, length }], seed, pieceLength });
}

const verdictsOf = (w: { peers: { verdicts: Array<{ peer: string; verdict: string }> } }, peer: string) => w.peers.verdicts.filter((v) => v.peer === peer).map((v) => v.verdict);

test('a peer that unchokes and never sends: its blocks move to the honest peer, long before the no-pieces drop', async () => {
  const fx = await fixture(101);
  const w = await startEngineWorld({ fixture: fx, seeders: [{ silent: true, fast: true }, { rateBytesPerSec: 2_000_000 }], hostByte: 40, noPiecesTimeoutMs: 600_000 });
  try {
    const bytes = await w.read(0);
    assert.ok(bytes.equals(fx.content), 'byte-exact');
    const silent = `${w.seeders[0]!.host}:${w.seeders[0]!.port}`;
    assert.ok(verdictsOf(w, silent).includes('slow'), 'the silent peer was found snubbing and reported slow');
    assert.ok(!verdictsOf(w, silent).includes('no-pieces'), 'the read did not wait for the 10-minute no-pieces drop');
    assert.equal(w.seeders[0]!.blocksServed, 0);
    assert.ok(!w.peers.verdicts.some((v) => v.verdict === 'bad-data'));
  } finally {
    await w.close();
    removeFixture(fx);
  }
});

test('a peer that chokes mid-piece (with and without BEP 6): the piece completes byte-exact', async () => {
  const fx = await fixture(102);
  const w = await startEngineWorld({ fixture: fx, seeders: [{ chokeAfterBlocks: 5, fast: true }, { chokeAfterBlocks: 7 }, { rateBytesPerSec: 1_000_000 }], hostByte: 41 });
  try {
    const bytes = await w.read(0);
    assert.ok(bytes.equals(fx.content), 'byte-exact');
    assert.ok(w.seeders[0]!.blocksServed >= 5 && w.seeders[1]!.blocksServed >= 7, 'both choking peers served before choking');
    assert.ok(!w.peers.verdicts.some((v) => v.verdict === 'bad-data'));
  } finally {
    await w.close();
    removeFixture(fx);
  }
});

test('corrupt blocks mixed with honest ones in the same pieces: only the corrupt peers are banned', async () => {
  // 1 MiB pieces of 64 blocks: every peer's first requests land in the same pieces.
  const fx = await fixture(103, 8 * 1024 * 1024, 1024 * 1024);
  const w = await startEngineWorld({
    fixture: fx,
    seeders: [{ rateBytesPerSec: 1_500_000 }, { corrupt: true, rateBytesPerSec: 1_500_000 }, { rateBytesPerSec: 1_500_000, fast: true }, { corrupt: true, rateBytesPerSec: 1_500_000, fast: true }],
    hostByte: 42,
  });
  try {
    const bytes = await w.read(0);
    assert.ok(bytes.equals(fx.content), 'byte-exact');
    const key = (i: number) => `${w.seeders[i]!.host}:${w.seeders[i]!.port}`;
    const honest = [key(0), key(2)];
    const corrupt = [key(1), key(3)];
    for (const h of honest) {
      assert.ok(!verdictsOf(w, h).includes('bad-data'), `honest ${h} never blamed`);
      assert.ok(!w.peers.dropped.includes(h), `honest ${h} never dropped`);
    }
    const banned = w.peers.verdicts.filter((v) => v.verdict === 'bad-data').map((v) => v.peer);
    assert.ok(banned.length > 0, 'a corrupt peer was convicted');
    for (const b of banned) assert.ok(corrupt.includes(b), `${b} convicted is a corrupt one`);
    assert.ok(corrupt.every((c) => w.seeders[corrupt.indexOf(c) * 2 + 1]!.blocksServed > 0), 'corrupt peers did contribute blocks');
    assert.ok(w.events.some((e) => e.event === 'peer' && e.state === 'dropped' && e.reason === 'bad-data'));
    assert.ok(w.session.hashFailures > 0, 'pieces did fail their check');
  } finally {
    await w.close();
    removeFixture(fx);
  }
});

test('a far seek while a slow peer holds blocks near the old position: the seek is served first', async () => {
  const fx = await fixture(104, 8 * 1024 * 1024);
  const w = await startEngineWorld({ fixture: fx, seeders: [{ rateBytesPerSec: 32 * 1024 }, { rateBytesPerSec: 1_500_000 }], hostByte: 43 });
  try {
    await w.session.ready;
    const fetched = recordNetworkPieces(w.session);
    const first = w.session.createReadStream(0, { start: 0, end: fx.content.length - 1 });
    const chunk = await new Promise<Buffer>((resolve) => first.once('data', (c: Buffer) => resolve(c)));
    assert.ok(chunk.equals(fx.content.subarray(0, chunk.length)));
    first.destroy();
    const start = Math.floor(fx.content.length * 0.8);
    const tail = await w.read(0, { start, end: fx.content.length - 1 });
    assert.ok(tail.equals(fx.content.subarray(start)), 'seek bytes byte-exact');
    const seekPiece = Math.floor(start / fx.pieceLength);
    const have = new Set(fetched);
    const missingBefore = Array.from({ length: seekPiece }, (_, p) => p).filter((p) => !have.has(p));
    assert.ok(missingBefore.length > 0, 'the seek did not wait for the pieces near the old position');
    const whole = await w.read(0);
    assert.ok(whole.equals(fx.content), 'and the whole file after');
  } finally {
    await w.close();
    removeFixture(fx);
  }
});

test('end-game: the last blocks outstanding at a slow peer are asked of the fast one too, and cancelled at the slow one', async () => {
  const fx = await fixture(105, 2 * 1024 * 1024);
  const w = await startEngineWorld({ fixture: fx, seeders: [{ rateBytesPerSec: 24 * 1024 }, { rateBytesPerSec: 3_000_000 }], hostByte: 44 });
  try {
    await w.session.ready;
    await new Promise<void>((resolve) => {
      const check = () => (w.session.isDone() ? resolve() : setTimeout(check, 50));
      check();
    });
    assert.ok(w.seeders[0]!.cancelsReceived > 0, 'duplicates were cancelled at the slow peer');
    assert.ok((await w.read(0)).equals(fx.content), 'byte-exact');
  } finally {
    await w.close();
    removeFixture(fx);
  }
});

test('two readers of one file at different offsets, and resume without downloading a piece twice', async () => {
  const fx = await fixture(106, 6 * 1024 * 1024);
  const w = await startEngineWorld({ fixture: fx, seeders: [{ rateBytesPerSec: 1_000_000 }, { rateBytesPerSec: 1_000_000, fast: true }], hostByte: 45 });
  const dataDir = w.dataDir;
  let fetchedFirst: number[] = [];
  try {
    fetchedFirst = recordNetworkPieces(w.session);
    const a = { start: 100_000, end: 1_600_000 };
    const b = { start: 4_000_000, end: 5_500_000 };
    const [ra, rb] = await Promise.all([w.read(0, a), w.read(0, b)]);
    assert.ok(ra.equals(fx.content.subarray(a.start, a.end + 1)), 'reader A byte-exact');
    assert.ok(rb.equals(fx.content.subarray(b.start, b.end + 1)), 'reader B byte-exact');
  } finally {
    await w.close({ keepData: true });
  }
  const firstRun = new Set(fetchedFirst);
  assert.ok(firstRun.size > 0 && firstRun.size < fx.pieces, `first run stopped part way (${firstRun.size}/${fx.pieces})`);
  const again = await startEngineWorld({ fixture: fx, seeders: [{}], hostByte: 46, dataDir, withTorrentFile: false });
  try {
    const fetched = recordNetworkPieces(again.session);
    const whole = await again.read(0);
    assert.ok(whole.equals(fx.content), 'resumed read byte-exact (metadata from the cache)');
    assert.deepEqual(fetched.filter((p) => firstRun.has(p)), [], 'no piece fetched twice');
    assert.equal(again.session.piecesDownloaded, fx.pieces - firstRun.size);
  } finally {
    await again.close();
    removeFixture(fx);
  }
});

test('every peer gone: the engine says so, asks for a new walk, and finishes from the peer it brings', async () => {
  const fx = await fixture(107, 3 * 1024 * 1024);
  const w = await startEngineWorld({ fixture: fx, seeders: [{ rateBytesPerSec: 600_000 }], hostByte: 47 });
  const later = await startSeeder({ host: '127.47.0.9', fixtures: [fx] });
  try {
    const reading = w.read(0);
    await new Promise<void>((resolve) => {
      const check = () => (w.session.status().verifiedPieces >= 2 ? resolve() : setTimeout(check, 20));
      check();
    });
    await w.seeders[0]!.close();
    await new Promise<void>((resolve) => {
      const check = () => (w.events.some((e) => e.event === 'warning' && /no peer left/.test(e.message)) ? resolve() : setTimeout(check, 20));
      check();
    });
    assert.ok(w.peers.needMoreCalls > 0, 'a new walk was asked for');
    w.peers.add({ host: later.host, port: later.port });
    assert.ok((await reading).equals(fx.content), 'byte-exact from the new peer');
  } finally {
    await later.close();
    await w.close();
    removeFixture(fx);
  }
});

test('a file data folder and a metadata folder: nothing else is written', async () => {
  const fx = await fixture(108, 1024 * 1024);
  const w = await startEngineWorld({ fixture: fx, seeders: [{}], hostByte: 48, withTorrentFile: false });
  try {
    assert.ok((await w.read(0)).equals(fx.content));
    assert.deepEqual(fs.readdirSync(w.dataDir).sort(), ['data', 'meta']);
    assert.deepEqual(fs.readdirSync(`${w.dataDir}/meta`), [`${fx.infoHash}.torrent`]);
    assert.deepEqual(fs.readdirSync(`${w.dataDir}/data`), [fx.files[0]!.path]);
  } finally {
    await w.close();
    removeFixture(fx);
  }
});
