import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpyRegistry } from '../../../src/privacy/spy-registry.js';
import { AuditLog, formatSpiesP2p, formatSpiesTxt, parseSpiesTxt, readSpiesTxt, writeSpyLists } from '../../../src/privacy/spy-files.js';
import { parseBlocklist } from '../../../src/privacy/blocklist.js';

test('registry: reasons accumulate, spies age out unless multi-port', () => {
  let now = 1000;
  const reg = new SpyRegistry({ now: () => now, maxAgeMs: 100 });
  assert.equal(reg.add('1.1.1.1', 'decoy-values', { port: 5, decoy: 'ab' }), true);
  assert.equal(reg.add('1.1.1.1', 'decoy-peer', { port: 6 }), false, 'already active');
  assert.equal(reg.add('2.2.2.2', 'multi-port'), true);
  const r = reg.get('1.1.1.1')!;
  assert.deepEqual([...r.reasons], ['decoy-values', 'decoy-peer']);
  assert.deepEqual([...r.ports], [5, 6]);
  assert.equal(r.decoy, 'ab');
  now += 60;
  reg.touch('1.1.1.1');
  now += 60;
  assert.equal(reg.isActive('1.1.1.1'), true, 'touched 60 ms ago');
  now += 50;
  assert.equal(reg.isActive('1.1.1.1'), false);
  assert.equal(reg.isActive('2.2.2.2'), true, 'multi-port is permanent');
  assert.equal(reg.isPermanent('2.2.2.2'), true);
  assert.deepEqual(reg.ageOut(), ['1.1.1.1']);
  assert.deepEqual(reg.active().map((s) => s.ip), ['2.2.2.2']);
  assert.equal(reg.add('1.1.1.1', 'sybil'), true, 'back after ageing out');
  assert.equal(reg.get('1.1.1.1')!.firstSeenMs, now);
});

test('registry: suspects are tracked apart from spies', () => {
  const reg = new SpyRegistry();
  assert.equal(reg.suspect('3.3.3.3', 'no-pieces'), true);
  assert.equal(reg.suspect('3.3.3.3', 'bad-data'), false);
  assert.equal(reg.isSuspect('3.3.3.3'), true);
  assert.equal(reg.isActive('3.3.3.3'), false);
  assert.deepEqual(reg.suspects(), [{ ip: '3.3.3.3', reasons: ['no-pieces', 'bad-data'] }]);
});

test('spies.txt is a sorted JSON array of unique IPs and parses back defensively', () => {
  assert.equal(formatSpiesTxt(['2.2.2.2', '1.1.1.1', '2.2.2.2']), '["1.1.1.1","2.2.2.2"]\n');
  const table: Array<[string, string[]]> = [
    ['["1.1.1.1","::1"]', ['1.1.1.1', '::1']],
    ['["1.1.1.1", 5, "nope", {"a":1}]', ['1.1.1.1']],
    ['{"ip":"1.1.1.1"}', []],
    ['not json', []],
    ['', []],
  ];
  for (const [text, ips] of table) assert.deepEqual(parseSpiesTxt(text), ips, text);
});

test('spies.p2p lines name the reasons and parse as a PeerGuardian list', () => {
  const text = formatSpiesP2p([
    { ip: '9.9.9.9', reasons: new Set(['sybil', 'decoy-values'] as const) },
    { ip: '1.1.1.1', reasons: new Set(['multi-port'] as const) },
  ]);
  assert.equal(text, 'torrent-live spy (multi-port):1.1.1.1-1.1.1.1\ntorrent-live spy (decoy-values sybil):9.9.9.9-9.9.9.9\n');
  assert.equal(parseBlocklist(text).ranges.length, 2);
});

test('lists and audit log land in the store and survive a reload', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-spies-'));
  try {
    const reg = new SpyRegistry();
    reg.add('5.5.5.5', 'decoy-values');
    reg.add('6.6.6.6', 'sybil');
    await writeSpyLists(dir, reg.active());
    assert.deepEqual(await readSpiesTxt(dir), ['5.5.5.5', '6.6.6.6']);
    assert.match(fs.readFileSync(path.join(dir, 'spies.p2p'), 'utf8'), /sybil\):6\.6\.6\.6-6\.6\.6\.6/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['spies.p2p', 'spies.txt'], 'no temp files left');
    const audit = new AuditLog(dir, () => 0);
    audit.append({ kind: 'spy', ip: '5.5.5.5', reason: 'decoy-values', evidence: 'values for decoy ab' });
    audit.append({ kind: 'peer', ip: '7.7.7.7', port: 1, infoHash: 'cd', state: 'connected' });
    await audit.flush();
    const lines = fs.readFileSync(path.join(dir, 'audit.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.kind, l.ip, l.time]), [['spy', '5.5.5.5', '1970-01-01T00:00:00.000Z'], ['peer', '7.7.7.7', '1970-01-01T00:00:00.000Z']]);
    assert.deepEqual(await readSpiesTxt(path.join(dir, 'absent')), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
