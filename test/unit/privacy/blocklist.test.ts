import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { blocklistSet, decodeBlocklistBytes, formatP2p, loadBlocklist, parseBlocklist, parseBlocklistLine } from '../../../src/privacy/blocklist.js';
import { IpRangeSet, ipv4ToNumber, numberToIpv4 } from '../../../src/privacy/ip-range.js';
import { isTorrentLiveError } from '../../../src/errors.js';

test('one line at a time: p2p, dat, CIDR, comments, malformed', () => {
  const n = (ip: string) => ipv4ToNumber(ip)!;
  const table: Array<[string, ReturnType<typeof parseBlocklistLine>]> = [
    ['Some Org:1.2.3.4-1.2.3.5', { start: n('1.2.3.4'), end: n('1.2.3.5'), name: 'Some Org' }],
    ['a:b:c:10.0.0.0-10.0.0.255', { start: n('10.0.0.0'), end: n('10.0.0.255'), name: 'a:b:c' }],
    ['1.2.3.4 - 1.2.3.5 , 000 , Bad Corp', { start: n('1.2.3.4'), end: n('1.2.3.5'), name: 'Bad Corp' }],
    ['001.002.003.004 - 001.002.003.009 , 100 , padded', { start: n('1.2.3.4'), end: n('1.2.3.9'), name: 'padded' }],
    ['1.2.3.4 - 1.2.3.5 , 200 , allowed', undefined],
    ['5.6.7.0/24', { start: n('5.6.7.0'), end: n('5.6.7.255'), name: '' }],
    ['5.6.7.9/24', { start: n('5.6.7.0'), end: n('5.6.7.255'), name: '' }],
    ['9.9.9.9', { start: n('9.9.9.9'), end: n('9.9.9.9'), name: '' }],
    ['0.0.0.0/0', { start: 0, end: 2 ** 32 - 1, name: '' }],
    ['# comment', undefined],
    ['   ', undefined],
    ['// comment', undefined],
    ['x:1.2.3.5-1.2.3.4', null],
    ['x:1.2.3.400-1.2.3.500', null],
    ['5.6.7.0/33', null],
    ['hello world', null],
    [`${'x'.repeat(2000)}:1.2.3.4-1.2.3.5`, null],
  ];
  for (const [line, want] of table) assert.deepEqual(parseBlocklistLine(line), want, line.slice(0, 60));
});

test('a whole list, gzip or not, answers membership', () => {
  const text = 'A:1.0.0.1-1.0.0.10\r\n2.0.0.0 - 2.0.0.255 , 0 , B\n3.0.0.0/30\nnonsense\n';
  const parsed = parseBlocklist(text);
  assert.equal(parsed.ranges.length, 3);
  assert.equal(parsed.malformed, 1);
  const gz = parseBlocklist(decodeBlocklistBytes(zlib.gzipSync(text), 'x.gz'));
  assert.deepEqual(gz, parsed);
  const set = blocklistSet([parsed]);
  const table: Array<[string, boolean]> = [['1.0.0.1', true], ['1.0.0.10', true], ['1.0.0.11', false], ['2.0.0.128', true], ['3.0.0.3', true], ['3.0.0.4', false], ['::ffff:3.0.0.1', true], ['::1', false], ['garbage', false]];
  for (const [ip, inList] of table) assert.equal(set.has(ip), inList, ip);
});

test('overlapping and adjacent ranges merge', () => {
  const set = new IpRangeSet([
    { start: 10, end: 20, name: '' },
    { start: 15, end: 30, name: '' },
    { start: 31, end: 40, name: '' },
    { start: 50, end: 50, name: '' },
  ]);
  assert.equal(set.size, 2);
  assert.equal(set.has(numberToIpv4(40)), true);
  assert.equal(set.has(numberToIpv4(45)), false);
});

test('bounded: oversized plain or decompressed lists are refused with E_BAD_BLOCKLIST', () => {
  const big = Buffer.alloc(5000, 0x41);
  for (const bytes of [big, zlib.gzipSync(big)]) {
    assert.throws(() => decodeBlocklistBytes(bytes, 'big', 1000), (e: unknown) => isTorrentLiveError(e) && e.code === 'E_BAD_BLOCKLIST' && /larger than 1000/.test(e.message));
  }
  assert.throws(() => decodeBlocklistBytes(Buffer.from([0x1f, 0x8b, 1, 2, 3]), 'broken.gz'), (e: unknown) => isTorrentLiveError(e) && /not valid gzip/.test(e.message));
});

test('loadBlocklist reads files and URLs; a list of nothing but junk is an error', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bl-'));
  try {
    const file = path.join(dir, 'list.p2p.gz');
    fs.writeFileSync(file, zlib.gzipSync('X:4.4.4.4-4.4.4.8\n'));
    assert.equal((await loadBlocklist(file)).ranges.length, 1);
    const fromUrl = await loadBlocklist('http://lists.example/list.dat', { fetch: async () => ({ ok: true, status: 200, arrayBuffer: async () => new TextEncoder().encode('4.4.4.4 - 4.4.4.8 , 0 , X\n').buffer as ArrayBuffer }) });
    assert.equal(fromUrl.ranges.length, 1);
    await assert.rejects(loadBlocklist('http://lists.example/404', { fetch: async () => ({ ok: false, status: 404, arrayBuffer: async () => new ArrayBuffer(0) }) }), /HTTP 404/);
    fs.writeFileSync(path.join(dir, 'junk'), 'not a list\nat all\n');
    await assert.rejects(loadBlocklist(path.join(dir, 'junk')), (e: unknown) => isTorrentLiveError(e) && e.code === 'E_BAD_BLOCKLIST');
    await assert.rejects(loadBlocklist(path.join(dir, 'missing')), (e: unknown) => isTorrentLiveError(e) && /could not be read/.test(e.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('formatP2p writes lines that parse back to the same ranges', () => {
  const text = formatP2p([{ name: 'spy: one\nx', start: '7.7.7.7' }, { name: '', start: '8.8.8.0', end: '8.8.8.255' }]);
  assert.equal(text, 'spy  one x:7.7.7.7-7.7.7.7\nblocked:8.8.8.0-8.8.8.255\n');
  const back = parseBlocklist(text);
  assert.equal(back.malformed, 0);
  assert.deepEqual(back.ranges.map((r) => [numberToIpv4(r.start), numberToIpv4(r.end)]), [['7.7.7.7', '7.7.7.7'], ['8.8.8.0', '8.8.8.255']]);
});
