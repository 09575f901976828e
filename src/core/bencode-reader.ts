/**
 * A bounded bencode reader that walks the bytes in place: values are read where they are, as
 * positions, and only what the caller asks for becomes a JS value. A 50,000-file info dictionary
 * decoded whole is 50,000 dictionaries and 150,000 byte-string views before a single name is
 * read; walked, it is the names. The input comes from strangers (a .torrent, a peer's metadata),
 * so nesting, integer and length-prefix sizes are bounded, and every read is checked against the
 * end of the bytes. Pure. (src/privacy/bencode-bounded.ts decodes KRPC datagrams whole, at most
 * 4,096 items: right for 64 KiB messages, not for a 16 MiB .torrent that may hold 50,000 files.)
 */

/** Deeper nesting than this is no torrent's: refusing it bounds the walk's own stack. */
export const MAX_BENCODE_DEPTH = 64;
/** Digits of an integer (a 64-bit one has at most 20) or of a string's length prefix. */
const MAX_INTEGER_DIGITS = 20;
const MAX_LENGTH_DIGITS = 10;

const DICT = 0x64; // d
const LIST = 0x6c; // l
const INT = 0x69; // i
const END = 0x65; // e
const COLON = 0x3a;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

export class BencodeError extends Error {}

export type BencodeKind = 'dict' | 'list' | 'int' | 'bytes';

/** A byte string's contents, [start, end) of the reader's bytes. */
export interface ByteRange {
  start: number;
  end: number;
}

export class BencodeReader {
  readonly bytes: Buffer;

  constructor(bytes: Uint8Array) {
    // A Buffer view (no copy) for its latin1/utf8/hex slices.
    this.bytes = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #fail(pos: number, why: string): never {
    throw new BencodeError(`${why} at byte ${pos}`);
  }

  kindAt(pos: number): BencodeKind {
    const c = this.bytes[pos];
    if (c === undefined) this.#fail(pos, 'truncated');
    if (c === DICT) return 'dict';
    if (c === LIST) return 'list';
    if (c === INT) return 'int';
    if (c >= ZERO && c <= NINE) return 'bytes';
    return this.#fail(pos, `unexpected byte 0x${c.toString(16)}`);
  }

  /** The byte string at `pos`: its contents' range and where the value ends. */
  bytesAt(pos: number): ByteRange {
    let n = 0;
    let p = pos;
    for (; p < this.bytes.length && p - pos <= MAX_LENGTH_DIGITS; p++) {
      const c = this.bytes[p]!;
      if (c === COLON) break;
      if (c < ZERO || c > NINE) this.#fail(p, 'a malformed string length');
      n = n * 10 + (c - ZERO);
    }
    if (p === pos || this.bytes[p] !== COLON) this.#fail(pos, 'a malformed string length');
    const start = p + 1;
    const end = start + n;
    if (end > this.bytes.length) this.#fail(pos, `a ${n}-byte string past the end`);
    return { start, end };
  }

  /** The integer at `pos` (refused when it is not a safe integer) and where it ends. */
  intAt(pos: number): { value: number; end: number } {
    if (this.bytes[pos] !== INT) this.#fail(pos, 'not an integer');
    let p = pos + 1;
    const negative = this.bytes[p] === MINUS;
    if (negative) p++;
    const first = p;
    let value = 0;
    for (; p < this.bytes.length && this.bytes[p] !== END; p++) {
      const c = this.bytes[p]!;
      if (c < ZERO || c > NINE || p - first >= MAX_INTEGER_DIGITS) this.#fail(p, 'a malformed integer');
      value = value * 10 + (c - ZERO);
    }
    if (p === first || p >= this.bytes.length) this.#fail(pos, 'a malformed integer');
    if (!Number.isSafeInteger(value)) this.#fail(pos, 'an integer too large');
    return { value: negative ? -value : value, end: p + 1 };
  }

  /** Where the value at `pos` ends, without building it. Iterative: depth costs no stack. */
  skip(pos: number): number {
    let depth = 0;
    let p = pos;
    do {
      const kind = this.kindAt(p);
      if (kind === 'bytes') p = this.bytesAt(p).end;
      else if (kind === 'int') p = this.intAt(p).end;
      else {
        if (++depth > MAX_BENCODE_DEPTH) this.#fail(p, `nesting deeper than ${MAX_BENCODE_DEPTH}`);
        p++;
      }
      // Close every container that ends here (a dict's keys are strings, so it is walked as a list).
      while (depth > 0 && this.bytes[p] === END) {
        depth--;
        p++;
      }
      if (depth > 0 && p >= this.bytes.length) this.#fail(p, 'truncated');
    } while (depth > 0);
    return p;
  }

  /**
   * Calls `onEntry` for each key of the dictionary at `pos` (its value starts at `valueAt`; the
   * key is compared with `is`, not made a string); `onEntry` returns where the value ends, or
   * undefined to have it skipped. Returns the dictionary's end.
   */
  dict(pos: number, onEntry: (key: ByteRange, valueAt: number) => number | undefined): number {
    if (this.bytes[pos] !== DICT) this.#fail(pos, 'not a dictionary');
    let p = pos + 1;
    while (this.bytes[p] !== END) {
      if (p >= this.bytes.length) this.#fail(p, 'truncated');
      const key = this.bytesAt(p);
      p = onEntry(key, key.end) ?? this.skip(key.end);
    }
    return p + 1;
  }

  /** Calls `onItem` for each item of the list at `pos`, as `dict` does. Returns the list's end. */
  list(pos: number, onItem: (itemAt: number, index: number) => number | undefined): number {
    if (this.bytes[pos] !== LIST) this.#fail(pos, 'not a list');
    let p = pos + 1;
    for (let i = 0; this.bytes[p] !== END; i++) {
      if (p >= this.bytes.length) this.#fail(p, 'truncated');
      p = onItem(p, i) ?? this.skip(p);
    }
    return p + 1;
  }

  /** Whether the byte string is `text` (ASCII). */
  is(range: ByteRange, text: string): boolean {
    if (range.end - range.start !== text.length) return false;
    for (let i = 0; i < text.length; i++) if (this.bytes[range.start + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  utf8(range: ByteRange): string {
    return this.bytes.toString('utf8', range.start, range.end);
  }
}
