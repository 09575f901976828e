import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  corruptPathFor,
  emptyLibrary,
  parseLibraryState,
  serializeLibraryState,
  withEntry,
  withoutEntry,
  type LibraryEntry,
} from '../../../src/core/library-state.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const entry = (infoHash: string, extra: Partial<LibraryEntry> = {}): LibraryEntry => ({ infoHash, addedAt: '2024-05-01T10:00:00.000Z', ...extra });

test('a state round-trips through its text, keeping the order torrents were added in', () => {
  const state = withEntry(withEntry(emptyLibrary(), entry(B, { name: 'Second' })), entry(A));
  const parsed = parseLibraryState(serializeLibraryState(state));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.state.torrents.map((t) => t.infoHash), [B, A]);
  assert.equal(parsed.state.torrents[0]!.name, 'Second');
  assert.deepEqual(parsed.skipped, []);
});

test('adding a listed torrent changes nothing; removing takes it out by infohash in any case', () => {
  const one = withEntry(emptyLibrary(), entry(A));
  assert.equal(withEntry(one, entry(A, { name: 'again' })), one);
  assert.deepEqual(withoutEntry(one, A.toUpperCase()).torrents, []);
});

const unusable: Array<[string, string, RegExp]> = [
  ['torn JSON (a write cut short)', '{"version":1,"torrents":[{"infoHash":"aaaa', /not JSON/],
  ['empty file', '', /not JSON/],
  ['an array', '[]', /not a JSON object/],
  ['another version', '{"version":2,"torrents":[]}', /version 2 is not 1/],
  ['no list', '{"version":1}', /no "torrents" list/],
  ['binary junk', '\u0000\u0001\u0002', /not JSON/],
];
for (const [what, text, reason] of unusable) {
  test(`unusable as a whole: ${what}`, () => {
    const parsed = parseLibraryState(text);
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.match(parsed.reason, reason);
  });
}

test('bad entries are left out and named, the rest is kept', () => {
  const text = JSON.stringify({
    version: 1,
    torrents: [entry(A), { infoHash: 'XYZ', addedAt: '2024-01-01' }, entry(A), { infoHash: B, addedAt: 'yesterday' }, 'text', { ...entry(B), name: 42 }, entry(B)],
  });
  const parsed = parseLibraryState(text);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.state.torrents.map((t) => t.infoHash), [A, B]);
  assert.equal(parsed.skipped.length, 5);
  assert.match(parsed.skipped[0]!, /entry 1: infoHash "XYZ" is not 40 lowercase hex/);
  assert.match(parsed.skipped[1]!, /entry 2: a{40} is listed twice/);
  assert.match(parsed.skipped[2]!, /entry 3: b{40}: addedAt is not a date/);
  assert.match(parsed.skipped[3]!, /entry 4: not an object/);
  assert.match(parsed.skipped[4]!, /entry 5: b{40}: name is not text/);
});

test('a very long name is cut, not refused', () => {
  const parsed = parseLibraryState(JSON.stringify({ version: 1, torrents: [entry(A, { name: 'n'.repeat(5000) })] }));
  assert.ok(parsed.ok);
  assert.equal(parsed.state.torrents[0]!.name!.length, 1024);
});

test('a set-aside file is named after the time, with no characters file systems refuse', () => {
  assert.equal(corruptPathFor('/s/.torrent-live/library.json', new Date('2024-05-01T10:20:30.456Z')), '/s/.torrent-live/library.json.corrupt-2024-05-01T10-20-30-456Z');
});
