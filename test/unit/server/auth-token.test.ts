import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateToken, streamToken, verifyStreamToken, PAIRING_TOKEN_FILE } from '../../../src/server/auth-token.js';

async function withStore(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tl-token-'));
  try {
    await fn(join(dir, 'store'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const counting = () => {
  let n = 0;
  return (size: number) => Buffer.alloc(size, ++n);
};

test('loadOrCreateToken: creates a 0600 file, then returns the same token', () =>
  withStore(async (store) => {
    const random = counting();
    const first = await loadOrCreateToken(store, { rotate: false, randomBytes: random });
    assert.equal(first.created, true);
    assert.equal(first.token, Buffer.alloc(32, 1).toString('base64url'));
    assert.equal(first.path, join(store, PAIRING_TOKEN_FILE));
    assert.equal((await stat(first.path)).mode & 0o777, 0o600);
    assert.equal((await readFile(first.path, 'utf8')).trim(), first.token);

    const second = await loadOrCreateToken(store, { rotate: false, randomBytes: random });
    assert.deepEqual(second, { token: first.token, created: false, path: first.path });
  }));

test('loadOrCreateToken: --new-token rotates; a loosened mode is tightened; junk is replaced', () =>
  withStore(async (store) => {
    const random = counting();
    const first = await loadOrCreateToken(store, { rotate: false, randomBytes: random });
    const rotated = await loadOrCreateToken(store, { rotate: true, randomBytes: random });
    assert.equal(rotated.created, true);
    assert.notEqual(rotated.token, first.token);
    assert.equal((await loadOrCreateToken(store, { rotate: false })).token, rotated.token);

    await chmod(rotated.path, 0o644);
    await loadOrCreateToken(store, { rotate: false });
    assert.equal((await stat(rotated.path)).mode & 0o777, 0o600);

    await writeFile(rotated.path, 'short\n');
    const replaced = await loadOrCreateToken(store, { rotate: false, randomBytes: random });
    assert.equal(replaced.created, true);
    assert.equal(replaced.token.length, 43);
  }));

test('loadOrCreateToken: an unwritable store is E_STORE', () =>
  withStore(async (store) => {
    await writeFile(join(store, '..', 'blocker'), 'x');
    await assert.rejects(loadOrCreateToken(join(store, '..', 'blocker', 'sub'), { rotate: true }), { code: 'E_STORE' });
  }));

test('streamToken: deterministic per file and secret, verified in constant time', () => {
  const secret = 'a'.repeat(43);
  const hash = '0123456789abcdef0123456789abcdef01234567';
  const st = streamToken(secret, hash, 0);
  assert.match(st, /^[0-9a-f]{32}$/);
  assert.equal(streamToken(secret, hash.toUpperCase(), 0), st, 'infohash case does not matter');
  assert.equal(verifyStreamToken(secret, hash, 0, st), true);
  assert.equal(verifyStreamToken(secret, hash, 1, st), false, 'another file of the same torrent');
  assert.equal(verifyStreamToken(secret, 'f'.repeat(40), 0, st), false, 'another torrent');
  assert.equal(verifyStreamToken('b'.repeat(43), hash, 0, st), false, 'after --new-token');
  assert.equal(verifyStreamToken(secret, hash, 0, undefined), false);
  assert.equal(verifyStreamToken(secret, hash, 0, st.slice(0, 31)), false);
  assert.equal(verifyStreamToken(secret, hash, -1, streamToken(secret, hash, -1)), false);
});
