/**
 * The uTP transport against real uTP peers (utp-native servers) and fake UDP hosts on loopback.
 * Each test has its own 127.150.N.0/24 block; the transport is always .1 of it.
 * What libutp does for a closed port, a silent host and an unsolicited ST_SYN is asserted here,
 * so a utp-native upgrade that changes it fails loudly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { once } from 'node:events';
import utpNative from 'utp-native';
import { CLOSE_WAIT_MS, createUtpTransport } from '../../src/transport/utp.js';
import { DialError, type DialFailure } from '../../src/transport/transport.js';
import { startRefusingPeer, startSilentHost, startUtpServer, serveBytes } from '../sim/utp-peers.js';
import { decodeUtpHeader, encodeUtpHeader, ST_STATE, ST_SYN } from '../sim/utp-packets.js';
import { closesAfter } from '../sim/cleanup.js';

const MiB = 1024 * 1024;

async function expectDialError(p: Promise<Duplex>, kind: DialFailure): Promise<DialError> {
  const err = await p.then(
    (s) => {
      s.destroy();
      return assert.fail(`expected a DialError of kind ${kind}, the dial succeeded`);
    },
    (e: unknown) => e,
  );
  assert.ok(err instanceof DialError, `expected a DialError, got ${String(err)}`);
  assert.equal(err.kind, kind, err.message);
  assert.equal(err.transport, 'utp');
  return err;
}

/** Sends a one-byte request, reads to the end; returns the bytes' sha256 and the time taken. */
async function download(stream: Duplex): Promise<{ sha256: string; bytes: number; ms: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const started = performance.now();
  stream.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  stream.write(Buffer.from([1]));
  await once(stream, 'end');
  return { sha256: hash.digest('hex'), bytes, ms: performance.now() - started };
}

/** A port on `host` where nothing listens (bound once, then released). */
async function closedPort(host: string): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, host, () => r()));
  const { port } = s.address();
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * Closes the transport and binds its UDP port again. utp-native releases the port only once every
 * libutp connection is gone, so a failed dial whose connection was left alive makes this fail.
 */
async function closeReleasesPort(transport: { address(): { address: string; port: number }; close(): Promise<void> }): Promise<void> {
  const { address, port } = transport.address();
  await transport.close();
  const again = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      again.once('error', reject);
      again.bind(port, address, () => resolve());
    });
  } finally {
    again.close();
  }
}

const mbps = (bytes: number, ms: number): string => ((bytes / MiB) / (ms / 1000)).toFixed(1);

test('a 32 MiB download from a real uTP peer is byte-exact, comes from --bind, and is timed against TCP', async (t) => {
  const own = closesAfter(t);
  const data = randomBytes(32 * MiB);
  const expected = createHash('sha256').update(data).digest('hex');
  const server = own(await startUtpServer('127.150.1.2', serveBytes(data)));
  const transport = own(await createUtpTransport({ bindAddress: '127.150.1.1' }));
  assert.equal(transport.address().address, '127.150.1.1');

  const stream = await transport.dial({ host: server.host, port: server.port }, { timeoutMs: 2_000 });
  // Listening from the start: 'close' may follow 'end' before an await after it resumes.
  const closed = once(stream, 'close');
  const utp = await download(stream);
  assert.equal(utp.bytes, data.length);
  assert.equal(utp.sha256, expected, 'uTP bytes differ from what the peer sent');
  assert.deepEqual(server.accepted.map((a) => a.host), ['127.150.1.1'], 'the peer must see our --bind address');
  assert.equal(server.accepted[0]?.port, transport.address().port, 'all dials share the transport socket');
  await closed;

  const tcpServer = own(net.createServer((c) => c.once('data', () => c.end(data))), (s) => new Promise((r) => s.close(r)));
  await new Promise<void>((r) => tcpServer.listen(0, '127.150.1.2', () => r()));
  const tcpPort = (tcpServer.address() as net.AddressInfo).port;
  const socket = net.connect({ host: '127.150.1.2', port: tcpPort, localAddress: '127.150.1.1' });
  await once(socket, 'connect');
  const tcp = await download(socket);
  assert.equal(tcp.sha256, expected);
  console.log(
    `loopback 32 MiB download: uTP ${utp.ms.toFixed(0)} ms (${mbps(utp.bytes, utp.ms)} MiB/s), ` +
      `TCP ${tcp.ms.toFixed(0)} ms (${mbps(tcp.bytes, tcp.ms)} MiB/s), uTP/TCP time ${(utp.ms / tcp.ms).toFixed(1)}x`,
  );
});

test('without --bind the socket is on 0.0.0.0 and still dials', async (t) => {
  const own = closesAfter(t);
  const server = own(await startUtpServer('127.150.13.2', serveBytes(Buffer.from('hi'))));
  const transport = own(await createUtpTransport({}));
  assert.equal(transport.address().address, '0.0.0.0');
  const stream = await transport.dial({ host: server.host, port: server.port }, { timeoutMs: 2_000 });
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.write('go');
  await once(stream, 'end');
  assert.equal(Buffer.concat(chunks).toString(), 'hi');
});

test('an upload through the stream arrives whole and in order (echo)', async (t) => {
  const own = closesAfter(t);
  const server = own(
    await startUtpServer('127.150.9.2', (c) => {
      c.on('data', (d) => c.write(d));
      c.on('end', () => c.end());
    }),
  );
  const transport = own(await createUtpTransport({ bindAddress: '127.150.9.1' }));
  const stream = await transport.dial({ host: server.host, port: server.port }, { timeoutMs: 2_000 });
  const sent = randomBytes(3 * MiB);
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  for (let i = 0; i < sent.length; i += 16 * 1024) stream.write(sent.subarray(i, i + 16 * 1024));
  stream.end();
  await once(stream, 'close');
  assert.ok(Buffer.concat(chunks).equals(sent), 'the echo differs from what was written');
});

test('a closed UDP port gets no answer (libutp stays silent, no ICMP reaches it): timeout at timeoutMs', async (t) => {
  const own = closesAfter(t);
  // Owned too, so a failing test still closes it (close() is idempotent).
  const transport = own(await createUtpTransport({ bindAddress: '127.150.2.1' }));
  const port = await closedPort('127.150.2.2');
  const started = Date.now();
  const err = await expectDialError(transport.dial({ host: '127.150.2.2', port }, { timeoutMs: 700 }), 'timeout');
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 690 && elapsed < 1_100, `timed out after ${elapsed} ms, expected ~700`);
  assert.match(err.message, /127\.150\.2\.2:\d+/);
  await closeReleasesPort(transport);
});

test('a silent host: timeout at timeoutMs, after our ST_SYN came from the --bind address', async (t) => {
  const own = closesAfter(t);
  const silent = own(await startSilentHost('127.150.3.2'));
  const transport = own(await createUtpTransport({ bindAddress: '127.150.3.1' }));
  const started = Date.now();
  await expectDialError(transport.dial({ host: silent.host, port: silent.port }, { timeoutMs: 500 }), 'timeout');
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 490 && elapsed < 900, `timed out after ${elapsed} ms, expected ~500`);
  const syns = silent.received.filter((r) => decodeUtpHeader(r.msg)?.type === ST_SYN);
  assert.equal(syns.length, 1);
  assert.deepEqual(syns[0]?.from, { host: '127.150.3.1', port: transport.address().port });
  await closeReleasesPort(transport);
});

test('a ST_RESET answer to our ST_SYN is refused, at once', async (t) => {
  const own = closesAfter(t);
  const refusing = own(await startRefusingPeer('127.150.4.2'));
  const transport = own(await createUtpTransport({ bindAddress: '127.150.4.1' }));
  const started = Date.now();
  await expectDialError(transport.dial({ host: refusing.host, port: refusing.port }, { timeoutMs: 5_000 }), 'refused');
  assert.ok(Date.now() - started < 1_000);
  await closeReleasesPort(transport);
});

test('abort: a pending dial rejects at once with aborted; an aborted signal never dials', async (t) => {
  const own = closesAfter(t);
  const silent = own(await startSilentHost('127.150.5.2'));
  const transport = own(await createUtpTransport({ bindAddress: '127.150.5.1' }));
  const ac = new AbortController();
  const started = Date.now();
  const dial = transport.dial({ host: silent.host, port: silent.port }, { timeoutMs: 5_000, signal: ac.signal });
  setTimeout(() => ac.abort(), 100);
  await expectDialError(dial, 'aborted');
  assert.ok(Date.now() - started < 500);
  const before = silent.received.length;
  await expectDialError(transport.dial({ host: silent.host, port: silent.port }, { timeoutMs: 5_000, signal: AbortSignal.abort() }), 'aborted');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(silent.received.length, before, 'a pre-aborted dial sent a packet');
  await closeReleasesPort(transport);
});

test('targets utp-native cannot dial are refused without a packet or a DNS query', async (t) => {
  const own = closesAfter(t);
  const transport = own(await createUtpTransport({ bindAddress: '127.150.6.1' }));
  await expectDialError(transport.dial({ host: '::1', port: 6881 }, { timeoutMs: 500 }), 'unreachable');
  await expectDialError(transport.dial({ host: 'peer.example', port: 6881 }, { timeoutMs: 500 }), 'unreachable');
  await expectDialError(transport.dial({ host: '127.150.6.2', port: 0 }, { timeoutMs: 500 }), 'unreachable');
  await assert.rejects(createUtpTransport({ bindAddress: '::1' }), /IPv4/);
  await assert.rejects(createUtpTransport({ bindAddress: '127.150.6.1', port: transport.address().port }), /cannot bind UDP 127\.150\.6\.1:\d+: .*--bind/);
});

test('close(): pending dials reject closed, open streams close, the UDP port is free again; later dials reject closed', async (t) => {
  const own = closesAfter(t);
  const server = own(await startUtpServer('127.150.7.2', () => {}));
  const silent = own(await startSilentHost('127.150.7.3'));
  const transport = await createUtpTransport({ bindAddress: '127.150.7.1' });
  const { port } = transport.address();
  const stream = await transport.dial({ host: server.host, port: server.port }, { timeoutMs: 2_000 });
  stream.on('error', () => {});
  const streamClosed = once(stream, 'close');
  const pending = expectDialError(transport.dial({ host: silent.host, port: silent.port }, { timeoutMs: 5_000 }), 'closed');
  const started = Date.now();
  await transport.close();
  assert.ok(Date.now() - started <= CLOSE_WAIT_MS + 200, 'close() took longer than its bound');
  await pending;
  await streamClosed;
  await expectDialError(transport.dial({ host: server.host, port: server.port }, { timeoutMs: 500 }), 'closed');
  // The live peer acknowledged our FIN, so libutp let the socket go: the port binds again.
  const again = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    again.once('error', reject);
    again.bind(port, '127.150.7.1', () => resolve());
  });
  again.close();
});

test('close() is bounded when a peer vanished mid-connection (libutp would retransmit its FIN for ~31 s)', async (t) => {
  const own = closesAfter(t);
  // Answers the ST_SYN with ST_STATE once, then never again: a peer that went away.
  const vanishing = own(dgram.createSocket('udp4'), (s) => s.close());
  vanishing.on('message', (msg, rinfo) => {
    const h = decodeUtpHeader(msg);
    if (h?.type === ST_SYN) vanishing.send(encodeUtpHeader({ type: ST_STATE, connectionId: h.connectionId, seqNr: 100, ackNr: h.seqNr }), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => vanishing.bind(0, '127.150.8.2', () => r()));
  const transport = await createUtpTransport({ bindAddress: '127.150.8.1' });
  const stream = await transport.dial({ host: '127.150.8.2', port: vanishing.address().port }, { timeoutMs: 2_000 });
  stream.on('error', () => {});
  stream.write('hello');
  const started = Date.now();
  await transport.close();
  const elapsed = Date.now() - started;
  assert.ok(elapsed <= CLOSE_WAIT_MS + 200, `close() took ${elapsed} ms`);
  assert.ok(stream.destroyed);
});

test('freerider: an incoming ST_SYN gets no answer, also after a dialled connection closed (utp-native reopens its firewall then)', async (t) => {
  const own = closesAfter(t);
  const warnings: string[] = [];
  const server = own(await startUtpServer('127.150.10.2', serveBytes(Buffer.from('x'))));
  const transport = own(await createUtpTransport({ bindAddress: '127.150.10.1', onWarning: (w) => warnings.push(w) }));
  const stream = await transport.dial({ host: server.host, port: server.port }, { timeoutMs: 2_000 });
  const closed = once(stream, 'close');
  await download(stream);
  await closed;
  // The inner libutp connection closes after the FIN exchange (libutp checks every 500 ms).
  await new Promise((r) => setTimeout(r, 700));

  const caller = own(utpNative(), (s) => new Promise<void>((r) => s.close(() => r())));
  await new Promise<void>((r) => caller.bind(0, '127.150.10.3', () => r()));
  const attempt = caller.connect(transport.address().port, '127.150.10.1');
  attempt.on('error', () => {});
  const outcome = await Promise.race([
    once(attempt, 'connect').then(() => 'connected'),
    // libutp would resend its ST_SYN after 3 s; on loopback an answer takes microseconds.
    new Promise((r) => setTimeout(r, 1_000, 'no answer')),
  ]);
  attempt.destroy();
  assert.equal(outcome, 'no answer', 'a freerider transport accepted an incoming uTP connection');

  const raw = own(dgram.createSocket('udp4'), (s) => s.close());
  const replies: Buffer[] = [];
  raw.on('message', (m) => replies.push(m));
  await new Promise<void>((r) => raw.bind(0, '127.150.10.4', () => r()));
  raw.send(encodeUtpHeader({ type: ST_SYN, connectionId: 4242 }), transport.address().port, '127.150.10.1');
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(replies, [], 'a ST_SYN to a freerider got an answer');
  assert.deepEqual(warnings, []);
});

test('--no-freerider: incoming connections reach acceptIncoming after their first bytes, with their address', async (t) => {
  const own = closesAfter(t);
  const got: Array<{ remote: { host: string; port: number }; first: string }> = [];
  const transport = own(
    await createUtpTransport({
      bindAddress: '127.150.11.1',
      acceptIncoming: (stream, remote) => {
        stream.once('data', (d: Buffer) => {
          got.push({ remote, first: d.toString() });
          stream.end('world');
        });
      },
    }),
  );
  const caller = own(utpNative(), (s) => new Promise<void>((r) => s.close(() => r())));
  await new Promise<void>((r) => caller.bind(0, '127.150.11.3', () => r()));
  const c = caller.connect(transport.address().port, '127.150.11.1');
  c.on('error', () => {});
  await once(c, 'connect');
  c.write(Buffer.from('hello'));
  const [reply] = (await once(c, 'data')) as [Buffer];
  assert.equal(reply.toString(), 'world');
  assert.deepEqual(got, [{ remote: { host: '127.150.11.3', port: caller.address().port }, first: 'hello' }]);
  c.destroy();
});

test('the transport holds the process only while a dial or a stream is open', async () => {
  const server = await startUtpServer('127.150.12.2', serveBytes(Buffer.from('ok')));
  try {
    // The child dials, reads, and never calls close(): it must still exit on its own.
    const code = `
      import { createUtpTransport } from './src/transport/utp.ts';
      const t = await createUtpTransport({ bindAddress: '127.150.12.1' });
      const s = await t.dial({ host: '127.150.12.2', port: ${server.port} }, { timeoutMs: 2000 });
      s.on('data', (d) => console.log('got ' + d));
      s.write('go');
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const [exitCode] = (await once(child, 'exit')) as [number | null];
    clearTimeout(killer);
    assert.equal(out.trim(), 'got ok', 'the child must have received the data before exiting');
    assert.equal(exitCode, 0, 'the child was killed: something kept its event loop alive');
  } finally {
    await server.close();
  }
});

