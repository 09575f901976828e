/**
 * SOCKS5 UDP (RFC 1928 §7) framing and the checks on what a proxy says, as pure functions: the
 * proxy may be hostile or broken, so every byte it sends is length-checked before it is read and
 * a bad frame is a value, never a throw.
 */
import net from 'node:net';

export interface UdpEndpoint {
  host: string;
  port: number;
}

/** Datagrams carried through the relay: KRPC needs far less (bounded decoder: 64 KiB). */
export const MAX_UDP_PAYLOAD = 65_507;

export function encodeUdpFrame(to: UdpEndpoint, payload: Buffer): Buffer {
  let addr: Buffer;
  if (net.isIPv4(to.host)) addr = Buffer.from([1, ...to.host.split('.').map(Number)]);
  else if (net.isIPv6(to.host)) addr = Buffer.concat([Buffer.from([4]), ipv6Bytes(to.host)]);
  else {
    const name = Buffer.from(to.host, 'latin1');
    if (name.length === 0 || name.length > 255) throw new RangeError(`SOCKS5 UDP: host name "${to.host.slice(0, 60)}" must be 1 to 255 bytes`);
    addr = Buffer.concat([Buffer.from([3, name.length]), name]);
  }
  const port = Buffer.alloc(2);
  port.writeUInt16BE(to.port);
  return Buffer.concat([Buffer.from([0, 0, 0]), addr, port, payload]);
}

export type ParsedUdpFrame = { ok: true; from: UdpEndpoint; payload: Buffer } | { ok: false; why: string };

export function parseUdpFrame(frame: Buffer): ParsedUdpFrame {
  if (frame.length < 4) return { ok: false, why: `${frame.length}-byte datagram, shorter than a SOCKS5 UDP header` };
  if (frame[0] !== 0 || frame[1] !== 0) return { ok: false, why: 'reserved bytes not zero' };
  // Fragment reassembly is optional in RFC 1928 and no KRPC message needs it: drop fragments.
  if (frame[2] !== 0) return { ok: false, why: `fragment ${frame[2]} (fragmentation is not supported)` };
  const atyp = frame[3];
  let host: string;
  let at = 4;
  if (atyp === 1) {
    if (frame.length < at + 4 + 2) return { ok: false, why: 'truncated IPv4 address' };
    host = [...frame.subarray(at, at + 4)].join('.');
    at += 4;
  } else if (atyp === 4) {
    if (frame.length < at + 16 + 2) return { ok: false, why: 'truncated IPv6 address' };
    host = ipv6Text(frame.subarray(at, at + 16));
    at += 16;
  } else if (atyp === 3) {
    const len = frame[at]!;
    if (len === 0 || frame.length < at + 1 + len + 2) return { ok: false, why: 'truncated host name' };
    host = frame.subarray(at + 1, at + 1 + len).toString('latin1');
    at += 1 + len;
  } else return { ok: false, why: `unknown address type ${atyp}` };
  const port = frame.readUInt16BE(at);
  return { ok: true, from: { host, port }, payload: frame.subarray(at + 2) };
}

/**
 * Where datagrams go after UDP ASSOCIATE. RFC 1928 lets the proxy name any relay address; we
 * accept only the proxy's own address (or the all-zeros address, which by common practice means
 * "the address you reached me on"), so a proxy cannot steer our DHT packets to a third host.
 */
export function relayEndpoint(proxy: { address: string }, reply: UdpEndpoint): { ok: true; relay: UdpEndpoint } | { ok: false; why: string } {
  if (!Number.isInteger(reply.port) || reply.port < 1 || reply.port > 65535) return { ok: false, why: `the proxy named UDP relay port ${reply.port}` };
  const zero = reply.host === '0.0.0.0' || reply.host === '::';
  if (zero) return { ok: true, relay: { host: proxy.address, port: reply.port } };
  if (reply.host === proxy.address) return { ok: true, relay: reply };
  return { ok: false, why: `the proxy named a UDP relay at ${String(reply.host).slice(0, 60)}, not its own address ${proxy.address}; refused so no datagram goes to a third host` };
}

function ipv6Bytes(text: string): Buffer {
  const sock = new net.SocketAddress({ address: text, family: 'ipv6' });
  const [head, tail = ''] = sock.address.split('::') as [string, string?];
  const h = head ? head.split(':') : [];
  const t = sock.address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = sock.address.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g || '0', 16), i * 2));
  return out;
}

function ipv6Text(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  return new net.SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}
