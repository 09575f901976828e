/**
 * Bounds what a peer can make us buffer. bittorrent-protocol accepts any 32-bit message length
 * and buffers until it has it all, so a hostile peer could announce a 4 GB message; this counter
 * follows the framing of the bytes before the wire sees them and refuses a message longer than
 * anything the protocol needs (a 16 KiB block, a bitfield, a metadata piece).
 */
export const MAX_MESSAGE_BYTES = 256 * 1024;
const HANDSHAKE_FIXED_BYTES = 1 + 8 + 20 + 20;

export class FrameGuard {
  #phase: 'pstrlen' | 'handshake' | 'length' | 'body' = 'pstrlen';
  #remaining = 1;
  #lengthBytes: number[] = [];
  readonly maxMessageBytes: number;

  constructor(maxMessageBytes = MAX_MESSAGE_BYTES) {
    this.maxMessageBytes = maxMessageBytes;
  }

  /** Follows a chunk; returns why the stream must be cut, or null while it is well-formed. */
  feed(chunk: Uint8Array): string | null {
    let i = 0;
    while (i < chunk.length) {
      if (this.#phase === 'pstrlen') {
        this.#phase = 'handshake';
        this.#remaining = chunk[i]! + HANDSHAKE_FIXED_BYTES - 1;
        i++;
        continue;
      }
      if (this.#phase === 'length') {
        this.#lengthBytes.push(chunk[i]!);
        i++;
        if (this.#lengthBytes.length === 4) {
          const [a, b, c, d] = this.#lengthBytes as [number, number, number, number];
          const length = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
          this.#lengthBytes = [];
          if (length > this.maxMessageBytes) return `message of ${length} bytes (limit ${this.maxMessageBytes})`;
          if (length > 0) {
            this.#phase = 'body';
            this.#remaining = length;
          }
        }
        continue;
      }
      const take = Math.min(this.#remaining, chunk.length - i);
      i += take;
      this.#remaining -= take;
      if (this.#remaining === 0) this.#phase = 'length';
    }
    return null;
  }
}
