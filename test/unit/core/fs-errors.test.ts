import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFsError, errnoCode, isNoSpace, isNotWritable } from '../../../src/core/fs-errors.js';
import { TorrentLiveError } from '../../../src/errors.js';

function errno(code: string, path?: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something, open '${path ?? ''}'`), { code, ...(path ? { path } : {}) });
}

test('the real cause and the path, found through wrapped errors', () => {
  const wrapped = new TorrentLiveError('E_STORE', 'writing piece 3', { cause: errno('EROFS', '/mnt/store/downloads/a.mkv') });
  assert.equal(errnoCode(wrapped), 'EROFS', 'E_STORE is our code, not an errno');
  assert.equal(describeFsError(wrapped, '/mnt/store'), '/mnt/store/downloads/a.mkv is on a read-only file system (EROFS): remount it read-write or choose another --store');
  assert.match(describeFsError(errno('EACCES'), '/srv/store'), /^\/srv\/store is not writable by this user \(EACCES\)/);
  assert.match(describeFsError(new Error('odd'), '/x'), /^\/x: odd$/);
});

test('which failures pause for space and which mean the store cannot be written', () => {
  assert.ok(isNoSpace(errno('ENOSPC')) && isNoSpace(errno('EDQUOT')));
  assert.ok(!isNoSpace(errno('EROFS')));
  for (const code of ['EROFS', 'EACCES', 'EPERM']) assert.ok(isNotWritable(errno(code)), code);
  assert.ok(!isNotWritable(errno('ENOENT')));
  assert.ok(!isNoSpace(new Error('no code')));
});
