/**
 * A hostile seeder names its files after the service's own state (pairing-token, dlna-udn, the
 * resume metadata, the spy lists), with `..` climbs, case variants and look-alikes. Downloads
 * must land in the downloads tree only, and after a restart the token and state are unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeFixture } from '../sim/fixtures.js';
import { renamedTorrent } from '../sim/renamed-torrent.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { LOCK_FILE, STATE_DIR } from '../../src/core/store-layout.js';
import { closesAfter } from '../sim/cleanup.js';

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (d.isFile()) {
      const full = path.join(d.parentPath, d.name);
      out.set(path.relative(dir, full), fs.readFileSync(full).toString('base64'));
    }
  }
  return out;
}

test('torrents named after the service state are written under downloads/; the token survives a restart', async (t) => {
  const own = closesAfter(t);
  const single = renamedTorrent(await makeFixture({ name: 'x', files: [{ name: 'x', length: 44 }], seed: 91 }), { name: 'pairing-token' });
  const hostilePaths = [
    ['..', 'pairing-token'],
    ['..', STATE_DIR, 'pairing-token'],
    ['..', '..', STATE_DIR, 'torrents', `${single.infoHash}.torrent`],
    ['..', 'PAIRING-TOKEN'],
    ['..', '.torrent\u2010live', 'dlna-udn'],
    ['..', '.torrents', 'spies.txt'],
    ['..', 'spies.p2p'],
    ['..', 'audit.ndjson'],
  ];
  const multiBase = await makeFixture({ name: 'm', files: hostilePaths.map((_, i) => ({ name: `f${i}.bin`, length: 20_000 + i })), seed: 93, pieceLength: 16 * 1024 });
  const multi = renamedTorrent(multiBase, { name: STATE_DIR, paths: hostilePaths });
  const world = own(await startWorld({ fixtures: [single, multi] }));
  const storeDir = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-isolation-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  const first = own(await startService({ bootstrap: world.dht.bootstrap, storeDir }), (svc) => svc.close({ keepStore: true }));
  const stateBefore = snapshot(first.store.stateDir);
  assert.ok(stateBefore.has('pairing-token'), 'the token is in the state tree');
  for (const fx of [single, multi]) {
    const res = await fetch(`${first.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
    assert.equal(res.status, 201);
  }
  for (const fx of [single, multi]) {
    for (let i = 0; i < fx.files.length; i++) {
      const body = Buffer.from(await (await fetch(`${first.baseUrl}/stream/${fx.infoHash}/${i}`)).arrayBuffer());
      assert.ok(body.equals(fx.files[i]!.bytes), `${fx.name} file ${i} byte-exact`);
    }
  }
  const token = first.token;
  await first.close({ keepStore: true });

  const downloaded = snapshot(first.store.downloadsDir);
  assert.equal(downloaded.size, 1 + hostilePaths.length, `every file is in downloads/: ${[...downloaded.keys()].join(', ')}`);
  const rootEntries = fs.readdirSync(storeDir).sort();
  assert.deepEqual(rootEntries, [STATE_DIR, 'downloads'].sort(), 'nothing else at the store root');

  const second = own(await startService({ bootstrap: world.dht.bootstrap, storeDir }), (svc) => svc.close({ keepStore: true }));
  assert.equal(second.token, token, 'the pairing token is the one the service made');
  const stateAfter = snapshot(second.store.stateDir);
  // The lock names the running process and its port, so it is the one state file that changes.
  for (const [name, bytes] of stateBefore) if (name !== LOCK_FILE) assert.equal(stateAfter.get(name), bytes, `${name} unchanged`);
});
