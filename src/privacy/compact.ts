/** BEP 5 compact encodings: peers in 6 bytes (IPv4 + port), nodes in 26 (ID + peer). */
import type { PeerAddress } from './peer-source.js';

export interface CompactNode extends PeerAddress {
  id: Buffer;
}

export function decodePeer(buf: Buffer): PeerAddress | null {
  if (buf.length !== 6) return null;
  const port = buf.readUInt16BE(4);
  if (port === 0) return null;
  return { host: `${buf[0]}.${buf[1]}.${buf[2]}.${buf[3]}`, port };
}

export function encodePeer(p: PeerAddress): Buffer {
  const out = Buffer.alloc(6);
  p.host.split('.').forEach((o, i) => (out[i] = Number(o)));
  out.writeUInt16BE(p.port, 4);
  return out;
}

/** Decodes `nodes`; a length that is not a multiple of 26 is malformed and yields nothing. */
export function decodeNodes(buf: Buffer): CompactNode[] {
  if (buf.length % 26 !== 0) return [];
  const out: CompactNode[] = [];
  for (let i = 0; i < buf.length; i += 26) {
    const peer = decodePeer(buf.subarray(i + 20, i + 26));
    if (peer) out.push({ id: Buffer.from(buf.subarray(i, i + 20)), ...peer });
  }
  return out;
}

export function encodeNodes(nodes: readonly CompactNode[]): Buffer {
  return Buffer.concat(nodes.map((n) => Buffer.concat([n.id, encodePeer(n)])));
}
