/** The KRPC endpoint on loopback UDP: ro:1, timeouts, spoofed replies, silence as a freerider. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { KrpcClient, KrpcRemoteError, KrpcTimeoutError } from '../../../src/privacy/krpc.js';
import { decodeBounded, encode, isDict, type BDict } from '../../../src/privacy/bencode-bounded.js';
import { closesAfter } from '../../sim/cleanup.js';

async function udp(host: string): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, host, () => r()));
  return s;
}
const addr = (s: dgram.Socket) => ({ host: s.address().address, port: s.address().port });
const nextMessage = (s: dgram.Socket) => new Promise<{ msg: BDict; from: dgram.RemoteInfo }>((resolve) => s.once('message', (m, from) => resolve({ msg: decodeBounded(m) as BDict, from })));

test('freerider queries carry ro:1, replies resolve, errors reject, silence times out', async (t) => {
  const own = closesAfter(t);
  const server = own(await udp('127.31.0.1'), (socket) => socket.close());
  const client = own(await KrpcClient.open({ bindAddress: '127.31.0.2', timeoutMs: 200 }));
  const q1 = client.query(addr(server), 'get_peers', { id: Buffer.alloc(20, 1), info_hash: Buffer.alloc(20, 2) });
  const { msg, from } = await nextMessage(server);
  assert.equal(msg['ro'], 1);
  assert.equal((msg['q'] as Buffer).toString(), 'get_peers');
  assert.ok(isDict(msg['a']) && (msg['a']['info_hash'] as Buffer).equals(Buffer.alloc(20, 2)));
  // A reply from another address with the right transaction ID is ignored.
  const intruder = await udp('127.31.0.3');
  intruder.send(encode({ t: msg['t']!, y: Buffer.from('r'), r: { id: Buffer.alloc(20, 9) } }), from.port, from.address);
  await new Promise((r) => setTimeout(r, 30));
  server.send(encode({ t: msg['t']!, y: Buffer.from('r'), r: { id: Buffer.alloc(20, 3) } }), from.port, from.address);
  const r1 = await q1;
  assert.ok((r1['id'] as Buffer).equals(Buffer.alloc(20, 3)));
  intruder.close();

  const q2 = client.query(addr(server), 'ping', { id: Buffer.alloc(20, 1) });
  const m2 = await nextMessage(server);
  server.send(encode({ t: m2.msg['t']!, y: Buffer.from('e'), e: [203, Buffer.from('nope')] }), m2.from.port, m2.from.address);
  await assert.rejects(q2, (e: unknown) => e instanceof KrpcRemoteError && e.code === 203);

  await assert.rejects(client.query(addr(server), 'ping', { id: Buffer.alloc(20, 1) }), KrpcTimeoutError);
  assert.deepEqual({ sent: client.stats.queriesSent, responses: client.stats.responses, errors: client.stats.errors, timeouts: client.stats.timeouts }, { sent: 3, responses: 1, errors: 1, timeouts: 1 });
});

test('a freerider never answers queries; a full node answers through onQuery', async (t) => {
  const own = closesAfter(t);
  const asker = own(await udp('127.31.1.1'), (socket) => socket.close());
  const free = own(await KrpcClient.open({ bindAddress: '127.31.1.2', onQuery: () => ({ id: Buffer.alloc(20, 5) }) }));
  const full = own(await KrpcClient.open({ bindAddress: '127.31.1.3', freerider: false, onQuery: (q) => (q.method === 'ping' ? { id: Buffer.alloc(20, 6) } : null) }));
  const replies: BDict[] = [];
  asker.on('message', (m) => replies.push(decodeBounded(m) as BDict));
  const ping = encode({ t: Buffer.from('aa'), y: Buffer.from('q'), q: Buffer.from('ping'), a: { id: Buffer.alloc(20, 7) } });
  asker.send(ping, free.address().port, '127.31.1.2');
  asker.send(ping, full.address().port, '127.31.1.3');
  asker.send(Buffer.from('garbage'), full.address().port, '127.31.1.3');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(replies.length, 1, 'only the full node answered');
  assert.ok(((replies[0]!['r'] as BDict)['id'] as Buffer).equals(Buffer.alloc(20, 6)));
  assert.equal(free.stats.queriesReceived, 1);
  assert.equal(free.stats.answered, 0);
  assert.equal(full.stats.malformed, 1);
  // Outgoing queries from a full node carry no ro flag.
  const q = full.query(addr(asker), 'ping', { id: Buffer.alloc(20, 6) }).catch(() => {});
  const { msg } = await nextMessage(asker);
  assert.equal(msg['ro'], undefined);
  await full.close();
  await q;
});
