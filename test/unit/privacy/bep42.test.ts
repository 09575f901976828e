import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bep42NodeId, checkBep42, crc32c, isBep42Exempt } from '../../../src/privacy/bep42.js';

// The test vectors of BEP 42 itself: IP, rand, a conforming node ID.
const VECTORS: Array<[string, number, string]> = [
  ['124.31.75.21', 1, '5fbfbff10c5d6a4ec8a88e4c6ab4c28b95eee401'],
  ['21.75.31.124', 86, '5a3ce9c14e7a08645677bbd1cfe7d8f956d53256'],
  ['65.23.51.170', 22, 'a5d43220bc8f112a3d426c84764f8c2a1150e616'],
  ['84.124.73.14', 65, '1b0321dd1bb1fe518101ceef99462b947a01ff41'],
  ['43.213.53.83', 90, 'e56f6cbf5b7c4be0237986d5243b87aa6d51305a'],
];

test('crc32c matches the Castagnoli check value', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
});

test('BEP 42 test vectors are valid, and generated IDs carry the same 21 bits', () => {
  for (const [ip, rand, idHex] of VECTORS) {
    const id = Buffer.from(idHex, 'hex');
    assert.equal(checkBep42(ip, id), 'valid', ip);
    const made = bep42NodeId(ip, rand, Buffer.alloc(20, 0xaa));
    assert.equal(made.subarray(0, 2).toString('hex'), id.subarray(0, 2).toString('hex'));
    assert.equal(made[2]! & 0xf8, id[2]! & 0xf8);
    assert.equal(made[19], rand);
  }
});

test('IDs that break BEP 42 are invalid; local addresses are exempt', () => {
  const id = Buffer.from(VECTORS[0]![2], 'hex');
  assert.equal(checkBep42('124.31.75.22', Buffer.from(VECTORS[1]![2], 'hex')), 'invalid', 'another IP');
  const flipped = Buffer.from(id);
  flipped[2] = flipped[2]! ^ 0x08; // the 21st bit
  assert.equal(checkBep42('124.31.75.21', flipped), 'invalid');
  const low = Buffer.from(id);
  low[2] = low[2]! ^ 0x07; // the free bits
  assert.equal(checkBep42('124.31.75.21', low), 'valid');
  const otherRand = Buffer.from(id);
  otherRand[19] = 2;
  assert.equal(checkBep42('124.31.75.21', otherRand), 'invalid', 'rand is part of the check');
  for (const ip of ['127.0.0.1', '127.40.3.9', '10.1.2.3', '192.168.0.5', '172.20.1.1', '169.254.9.9', '::1']) assert.equal(isBep42Exempt(ip), true, ip);
  for (const ip of ['8.8.8.8', '172.32.0.1', '124.31.75.21']) assert.equal(isBep42Exempt(ip), false, ip);
  assert.equal(checkBep42('127.0.0.1', Buffer.alloc(20)), 'exempt');
  assert.equal(checkBep42('not-an-ip', Buffer.alloc(20)), 'invalid');
});

test('IPv6 IDs are checked on the first 8 bytes of the address', () => {
  const made = bep42NodeId('2001:db8::1', 5, Buffer.alloc(20));
  assert.equal(checkBep42('2001:db8::1', made), 'valid');
  assert.equal(checkBep42('2001:db9::1', made), 'invalid');
});
