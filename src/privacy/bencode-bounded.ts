/**
 * A bencode decoder for untrusted datagrams: it never reads past the buffer, refuses nesting
 * deeper than MAX_DEPTH, more than MAX_ITEMS values, integers beyond 2^53 and trailing bytes.
 * Byte strings stay Buffers (node IDs and compact addresses are binary); dict keys are latin1.
 */
export type BValue = number | Buffer | BValue[] | BDict;
export interface BDict {
  [key: string]: BValue;
}

export const MAX_DEPTH = 16;
export const MAX_ITEMS = 4096;
/** Larger than any UDP datagram: KRPC messages are a few hundred bytes. */
export const MAX_MESSAGE_BYTES = 65_536;

export class BencodeError extends Error {}

export function decodeBounded(buf: Buffer): BValue {
  if (buf.length > MAX_MESSAGE_BYTES) throw new BencodeError(`message of ${buf.length} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  let pos = 0;
  let items = 0;
  const fail = (why: string): never => {
    throw new BencodeError(`${why} at byte ${pos}`);
  };
  const readUntil = (stop: number): string => {
    const end = buf.indexOf(stop, pos);
    if (end < 0 || end - pos > 20) fail('unterminated number');
    const text = buf.toString('latin1', pos, end);
    pos = end + 1;
    return text;
  };
  const value = (depth: number): BValue => {
    if (++items > MAX_ITEMS) fail('too many values');
    if (depth > MAX_DEPTH) fail('nesting too deep');
    const c = buf[pos];
    if (c === undefined) return fail('unexpected end');
    if (c === 0x69) {
      pos++;
      const text = readUntil(0x65);
      if (!/^(0|-?[1-9]\d*)$/.test(text)) fail(`bad integer "${text}"`);
      const n = Number(text);
      if (!Number.isSafeInteger(n)) fail('integer out of range');
      return n;
    }
    if (c >= 0x30 && c <= 0x39) {
      const text = readUntil(0x3a);
      if (!/^(0|[1-9]\d*)$/.test(text)) fail(`bad length "${text}"`);
      const len = Number(text);
      if (pos + len > buf.length) fail('string past end');
      const out = Buffer.from(buf.subarray(pos, pos + len));
      pos += len;
      return out;
    }
    if (c === 0x6c) {
      pos++;
      const list: BValue[] = [];
      while (buf[pos] !== 0x65) {
        if (pos >= buf.length) fail('unterminated list');
        list.push(value(depth + 1));
      }
      pos++;
      return list;
    }
    if (c === 0x64) {
      pos++;
      const dict: BDict = Object.create(null) as BDict;
      while (buf[pos] !== 0x65) {
        if (pos >= buf.length) fail('unterminated dict');
        const key = value(depth + 1);
        if (!Buffer.isBuffer(key)) fail('dict key is not a string');
        dict[(key as Buffer).toString('latin1')] = value(depth + 1);
      }
      pos++;
      return dict;
    }
    return fail(`unexpected byte 0x${c.toString(16)}`);
  };
  const out = value(0);
  if (pos !== buf.length) fail('trailing bytes');
  return out;
}

export function encode(value: BValue): Buffer {
  const parts: Buffer[] = [];
  const walk = (v: BValue): void => {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new BencodeError(`cannot encode ${v}`);
      parts.push(Buffer.from(`i${v}e`));
    } else if (Buffer.isBuffer(v)) {
      parts.push(Buffer.from(`${v.length}:`), v);
    } else if (Array.isArray(v)) {
      parts.push(Buffer.from('l'));
      v.forEach(walk);
      parts.push(Buffer.from('e'));
    } else {
      parts.push(Buffer.from('d'));
      for (const key of Object.keys(v).sort()) {
        walk(Buffer.from(key, 'latin1'));
        walk(v[key]!);
      }
      parts.push(Buffer.from('e'));
    }
  };
  walk(value);
  return Buffer.concat(parts);
}

export function isDict(v: BValue | undefined): v is BDict {
  return typeof v === 'object' && v !== null && !Buffer.isBuffer(v) && !Array.isArray(v);
}
