import test from 'node:test';
import assert from 'node:assert/strict';
import { createDnsblCheck, dnsblQueryName, isListingAnswer, parseDnsblZones } from '../../../src/privacy/dnsbl.js';

test('dnsblQueryName reverses the octets under the zone; refuses non-IPv4 and bad zones', () => {
  assert.equal(dnsblQueryName('1.2.3.4', 'zen.example.org'), '4.3.2.1.zen.example.org');
  assert.equal(dnsblQueryName('1.2.3.4', '.zen.example.org.'), '4.3.2.1.zen.example.org');
  assert.equal(dnsblQueryName('::1', 'zen.example.org'), undefined);
  assert.equal(dnsblQueryName('1.2.3.256', 'zen.example.org'), undefined);
  assert.equal(dnsblQueryName('1.2.3.4', 'no spaces.org'), undefined);
  assert.equal(dnsblQueryName('1.2.3.4', 'localhost'), undefined);
});

test('only 127/8 answers mean listed', () => {
  assert.equal(isListingAnswer(['127.0.0.2']), true);
  assert.equal(isListingAnswer(['10.0.0.1']), false);
  assert.equal(isListingAnswer([]), false);
});

test('parseDnsblZones splits commas, and none turns the check off', () => {
  assert.deepEqual(parseDnsblZones(['a.org,b.org', ' c.org ']), ['a.org', 'b.org', 'c.org']);
  assert.deepEqual(parseDnsblZones(['none']), []);
  assert.deepEqual(parseDnsblZones([]), []);
});

test('createDnsblCheck asks every zone once per IP, treats errors and timeouts as not listed', async () => {
  const asked: string[] = [];
  const check = createDnsblCheck(['bl.example.org', 'slow.example.org'], {
    timeoutMs: 20,
    resolve4: async (name) => {
      asked.push(name);
      if (name === '4.3.2.1.bl.example.org') return ['127.0.0.2'];
      if (name.endsWith('slow.example.org')) return new Promise<string[]>(() => {});
      throw Object.assign(new Error('queryA ENOTFOUND'), { code: 'ENOTFOUND' });
    },
  });
  assert.ok(check);
  assert.equal(await check('1.2.3.4'), true);
  assert.equal(await check('5.6.7.8'), false);
  assert.equal(await check('1.2.3.4'), true);
  assert.equal(asked.filter((n) => n.startsWith('4.3.2.1.')).length, 2, 'cached per IP');
  assert.equal(createDnsblCheck([]), undefined);
});
