import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existingFileSizes, STAT_BATCH, type SizeStat } from '../../../src/core/file-sizes.js';

function fakeDisk(entries: Record<string, number | 'dir'>) {
  const asked: string[] = [];
  const stat = async (p: string): Promise<SizeStat | undefined> => {
    asked.push(p);
    const e = entries[p];
    if (e === undefined) return undefined;
    return { size: e === 'dir' ? 4096 : e, isDirectory: () => e === 'dir' };
  };
  return { stat, asked };
}

test('a missing folder answers for every file under it: one stat, not one per file', async () => {
  const disk = fakeDisk({ '/s': 'dir' });
  const paths = Array.from({ length: 3 * STAT_BATCH }, (_, i) => `/s/T/season ${i % 7}/e${i}.mp4`);
  const sizes = await existingFileSizes(paths, '/s', disk.stat, '/');
  assert.ok(sizes.every((s) => s === 0));
  assert.deepEqual([...new Set(disk.asked)].sort(), ['/s', '/s/T']);
});

test('files in folders that exist are asked, and a folder in a file\'s place counts as missing', async () => {
  const disk = fakeDisk({ '/s': 'dir', '/s/T': 'dir', '/s/T/a.mkv': 500, '/s/T/sub': 'dir', '/s/T/sub/b.srt': 7, '/s/T/c.mkv': 'dir' });
  const sizes = await existingFileSizes(['/s/T/a.mkv', '/s/T/sub/b.srt', '/s/T/c.mkv', '/s/T/gone/d.mkv', '/s/T/e.mkv'], '/s', disk.stat, '/');
  assert.deepEqual(sizes, [500, 7, 0, 0, 0]);
  assert.equal(disk.asked.filter((p) => p === '/s/T').length, 1, 'each folder is asked once');
});

test('a single-file torrent sits in the root itself', async () => {
  const disk = fakeDisk({ '/s': 'dir', '/s/x.mp4': 42 });
  assert.deepEqual(await existingFileSizes(['/s/x.mp4'], '/s', disk.stat, '/'), [42]);
  assert.deepEqual(await existingFileSizes(['/s/x.mp4'], '/s', fakeDisk({}).stat, '/'), [0]);
});
