/**
 * The uTP header of BEP 29, to build the packets the tests send by hand (a refusing peer's
 * ST_RESET, the hostile flood) and read the ones that come back.
 *
 *   0: type (4 bits) | version (4 bits)   1: extension   2: connection_id (16)
 *   4: timestamp_microseconds (32)   8: timestamp_difference_microseconds (32)
 *  12: wnd_size (32)   16: seq_nr (16)   18: ack_nr (16)   20: extensions, then payload
 */
export const ST_DATA = 0;
export const ST_FIN = 1;
export const ST_STATE = 2;
export const ST_RESET = 3;
export const ST_SYN = 4;
export const UTP_HEADER_BYTES = 20;

export interface UtpHeader {
  type: number;
  version: number;
  extension: number;
  connectionId: number;
  timestampMicros: number;
  timestampDiffMicros: number;
  windowBytes: number;
  seqNr: number;
  ackNr: number;
}

export function encodeUtpHeader(h: Partial<UtpHeader> & Pick<UtpHeader, 'type' | 'connectionId'>, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const b = Buffer.alloc(UTP_HEADER_BYTES + payload.length);
  b[0] = ((h.type & 0xf) << 4) | ((h.version ?? 1) & 0xf);
  b[1] = h.extension ?? 0;
  b.writeUInt16BE(h.connectionId & 0xffff, 2);
  b.writeUInt32BE((h.timestampMicros ?? 0) >>> 0, 4);
  b.writeUInt32BE((h.timestampDiffMicros ?? 0) >>> 0, 8);
  b.writeUInt32BE((h.windowBytes ?? 1 << 20) >>> 0, 12);
  b.writeUInt16BE((h.seqNr ?? 1) & 0xffff, 16);
  b.writeUInt16BE((h.ackNr ?? 0) & 0xffff, 18);
  b.set(payload, UTP_HEADER_BYTES);
  return b;
}

/** The header of `packet`, or null when it is too short to be one. */
export function decodeUtpHeader(packet: Uint8Array): UtpHeader | null {
  if (packet.length < UTP_HEADER_BYTES) return null;
  const b = Buffer.from(packet.buffer, packet.byteOffset, packet.length);
  return {
    type: b[0]! >> 4,
    version: b[0]! & 0xf,
    extension: b[1]!,
    connectionId: b.readUInt16BE(2),
    timestampMicros: b.readUInt32BE(4),
    timestampDiffMicros: b.readUInt32BE(8),
    windowBytes: b.readUInt32BE(12),
    seqNr: b.readUInt16BE(16),
    ackNr: b.readUInt16BE(18),
  };
}
