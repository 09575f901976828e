import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OPEN_READ_FDS, StoreReader } from '../../../src/core/store-reader.js';

function files(lengths: number[]): { dir: string; all: Buffer; files: Array<{ path: string; length: number; offset: number }> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-store-reader-'));
  let offset = 0;
  const out = lengths.map((length, i) => {
    const bytes = Buffer.alloc(length, i + 1);
    for (let b = 0; b < length; b++) bytes[b] = (offset + b) % 251;
    const p = path.join(dir, `f${i}`);
    fs.writeFileSync(p, bytes);
    const f = { path: p, length, offset };
    offset += length;
    return f;
  });
  const all = Buffer.concat(out.map((f) => fs.readFileSync(f.path)));
  return { dir, all, files: out };
}

test('reads across files (an empty one among them) into one buffer', async (t) => {
  const w = files([10, 0, 7, 3000, 5]);
  t.after(() => fs.rmSync(w.dir, { recursive: true, force: true }));
  const r = new StoreReader(w.files);
  t.after(() => r.close());
  for (const [at, n] of [[0, 10], [5, 10], [9, 3013], [17, 1], [3010, 12], [0, 3022]] as const) {
    assert.deepEqual(await r.read(at, n), w.all.subarray(at, at + n), `${at}+${n}`);
  }
  await assert.rejects(r.read(3020, 5), /past the torrent's end/);
});

test('a file shorter than the torrent says is a short read, not stale bytes', async (t) => {
  const w = files([100, 100]);
  t.after(() => fs.rmSync(w.dir, { recursive: true, force: true }));
  fs.truncateSync(w.files[1]!.path, 50);
  const r = new StoreReader(w.files);
  t.after(() => r.close());
  await assert.rejects(r.read(90, 100), /short read/);
  await assert.rejects(new StoreReader([{ path: path.join(w.dir, 'missing'), length: 10, offset: 0 }]).read(0, 10), /ENOENT/);
});

test('more files than the descriptor cache: every read still right, reads after close refused', async (t) => {
  const w = files(Array.from({ length: OPEN_READ_FDS * 2 + 1 }, () => 64));
  t.after(() => fs.rmSync(w.dir, { recursive: true, force: true }));
  const r = new StoreReader(w.files);
  const reads = w.files.flatMap((f) => [r.read(f.offset, 64), r.read(f.offset + 32, 32)]);
  const got = await Promise.all(reads);
  w.files.forEach((f, i) => {
    assert.deepEqual(got[2 * i], w.all.subarray(f.offset, f.offset + 64));
    assert.deepEqual(got[2 * i + 1], w.all.subarray(f.offset + 32, f.offset + 64));
  });
  r.close();
  await assert.rejects(r.read(0, 1), /closed/);
});
