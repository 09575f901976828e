/**
 * bittorrent-protocol's Wire with the checks a peer we did not choose to trust needs. The parser
 * accepts any 32-bit message length and buffers until it has it all, keeps serving a peer that
 * sends blocks nobody asked for, and re-parses every bitfield it is sent. Here the checks run on
 * the decrypted message stream (under MSE the socket's bytes are ciphertext, so a guard in front
 * of the wire could not follow the framing), and a breach is reported once as a 'violation': the
 * link closes and the peer is not dialled again.
 */
import Wire from 'bittorrent-protocol';
import { mseKeyPair } from './mse-dh.js';

/** BEP-less MSE spec: PadA/PadB/PadC/PadD are at most 512 bytes. */
export const MSE_MAX_PAD = 512;
/** Longer than anything the protocol needs (a 16 KiB block, a bitfield, a metadata piece). */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** Cancelled or choke-dropped requests whose block may still be in flight; older ones count as unrequested. */
export const RECENTLY_WITHDRAWN_MAX = 4096;

export interface PieceGeometry {
  pieceCount: number;
  pieceLengthOf(index: number): number;
}

const blockKey = (index: number, offset: number, length: number) => `${index}:${offset}:${length}`;

export class GuardedWire extends Wire {
  /** Known once metadata is: lets out-of-range indexes and bitfields of the wrong size be refused. */
  geometry: () => PieceGeometry | null = () => null;
  #violated = false;
  #ending = false;

  constructor(type: string, peEnabled: number) {
    super(type, peEnabled);
    // Before the encryptor's lazy getter builds a node:crypto DiffieHellman (23 ms each).
    if (this._encryptor) this._encryptor._dh = mseKeyPair();
  }
  #messages = 0;
  #sawBitfield = false;
  /**
   * How many copies of each withdrawn block may still come: a block cancelled, asked again and
   * cancelled again can arrive twice, and a set would call the second copy unrequested and ban
   * an honest peer.
   */
  #withdrawn = new Map<string, number>();

  get violated(): boolean {
    return this.#violated;
  }

  #breach(reason: string): void {
    if (this.#violated) return;
    this.#violated = true;
    this.emit('violation', reason);
    this.destroy();
  }

  #withdraw(index: number, offset: number, length: number): void {
    const k = blockKey(index, offset, length);
    const copies = Math.min((this.#withdrawn.get(k) ?? 0) + 1, RECENTLY_WITHDRAWN_MAX);
    this.#withdrawn.delete(k);
    this.#withdrawn.set(k, copies);
    if (this.#withdrawn.size > RECENTLY_WITHDRAWN_MAX) this.#withdrawn.delete(this.#withdrawn.keys().next().value!);
  }

  /**
   * bittorrent-protocol concatenates what it holds with every chunk that arrives: each byte of a
   * block is copied once more on its way to the parser, and a message trickling in small chunks is
   * copied again per chunk (quadratic in its length). Here a message still incomplete is held as a
   * list, and once it is complete only its own bytes are joined; whole messages inside a chunk reach
   * the parser as views of it. Until the MSE handshake is done the parser's own path runs: it
   * looks for sync patterns in one contiguous buffer, and decrypts what it holds when RC4 starts.
   */
  override _write(data: Uint8Array, cb: (err: Error | null) => void): void {
    if (this._cryptoSyncPattern || this._pePending || (this._encryptor && !this._cryptoHandshakeDone)) return super._write(data, cb);
    if (this._encryptor) data = this._encryptor.decrypt(data);
    // Finished (the parser waits for MAX_VALUE bytes): nothing more is read.
    if (this._parserSize === Number.MAX_VALUE) return cb(null);
    if (this._bufferSize + data.length < this._parserSize) {
      this._buffer.push(data);
      this._bufferSize += data.length;
      return cb(null);
    }
    if (this._bufferSize > 0) {
      const need = this._parserSize - this._bufferSize;
      this._buffer.push(data.subarray(0, need));
      this._buffer = [Buffer.concat(this._buffer, this._parserSize)];
      this._bufferSize = this._parserSize;
      data = data.subarray(need);
      this._processBuffer();
    }
    if (data.length > 0) {
      this._buffer.push(data);
      this._bufferSize += data.length;
      if (this._buffer.length > 1) this._buffer = [Buffer.concat(this._buffer, this._bufferSize)];
      this._processBuffer();
    }
    cb(null);
  }

  /**
   * bittorrent-protocol looks for the MSE sync pattern (and gives up past 512 bytes of padding)
   * only when a chunk arrives, so when the pattern is set while parsing a chunk whose rest is
   * already buffered, a peer that sent all its garbage at once would be judged only by our
   * handshake deadline. One more pass judges what is already here.
   */
  override _processBuffer(): void {
    if (this.#padTooLong()) return this.#breach(`MSE padding past ${MSE_MAX_PAD} bytes`);
    const before = this._cryptoSyncPattern;
    super._processBuffer();
    if (!before && this._cryptoSyncPattern && this._bufferSize > 0) {
      if (this.#padTooLong()) return this.#breach(`MSE padding past ${MSE_MAX_PAD} bytes`);
      super._processBuffer();
    }
  }

  /** The parser only counts padding while it waits; a pattern that is already here, too far in, passes it. */
  #padTooLong(): boolean {
    const pattern = this._cryptoSyncPattern;
    if (!pattern || this._bufferSize === 0) return false;
    const here = Buffer.concat(this._buffer);
    const at = here.indexOf(pattern);
    return at > MSE_MAX_PAD || (at === -1 && here.length > MSE_MAX_PAD + pattern.length);
  }

  override _onMessageLength(buffer: Uint8Array): void {
    const length = ((buffer[0]! << 24) >>> 0) + (buffer[1]! << 16) + (buffer[2]! << 8) + buffer[3]!;
    if (length > MAX_MESSAGE_BYTES) return this.#breach(`message of ${length} bytes (limit ${MAX_MESSAGE_BYTES})`);
    super._onMessageLength(buffer);
  }

  override _onMessage(buffer: Uint8Array): void {
    if (this.#violated) return;
    this.#messages++;
    super._onMessage(buffer);
  }

  override _onBitField(buffer: Uint8Array): void {
    // BEP 3: the bitfield comes once, as the first message after the handshake (BEP 10 lets the
    // extension handshake come before it, so only a second bitfield or one after a have is refused).
    if (this.#sawBitfield) return this.#breach('a second bitfield');
    this.#sawBitfield = true;
    const g = this.geometry();
    if (g && buffer.length !== Math.ceil(g.pieceCount / 8)) return this.#breach(`bitfield of ${buffer.length} bytes for ${g.pieceCount} pieces`);
    super._onBitField(buffer);
  }

  override _onHave(index: number): void {
    const g = this.geometry();
    if (g && index >= g.pieceCount) return this.#breach(`have ${index} of ${g.pieceCount} pieces`);
    this.#sawBitfield = true; // a bitfield after a have is out of order
    super._onHave(index);
  }

  override _onHaveAll(): void {
    if (this.#sawBitfield) return this.#breach('have-all after the piece set was sent');
    this.#sawBitfield = true;
    super._onHaveAll();
  }

  override _onHaveNone(): void {
    if (this.#sawBitfield) return this.#breach('have-none after the piece set was sent');
    this.#sawBitfield = true;
    super._onHaveNone();
  }

  override _onPiece(index: number, offset: number, block: Uint8Array): void {
    const g = this.geometry();
    if (g && (index >= g.pieceCount || offset + block.length > g.pieceLengthOf(index))) {
      return this.#breach(`block ${index}:${offset}+${block.length} outside the torrent`);
    }
    const asked = this.requests.some((r) => r.piece === index && r.offset === offset && r.length === block.length);
    if (!asked) {
      // A block we cancelled (or a choke dropped) may legitimately be on its way already: once.
      const k = blockKey(index, offset, block.length);
      const copies = this.#withdrawn.get(k);
      if (!copies) return this.#breach(`unrequested block ${index}:${offset}+${block.length}`);
      if (copies > 1) this.#withdrawn.set(k, copies - 1);
      else this.#withdrawn.delete(k);
      return;
    }
    super._onPiece(index, offset, block);
  }

  override _onChoke(): void {
    if (!this.hasFast) for (const r of this.requests) this.#withdraw(r.piece, r.offset, r.length);
    super._onChoke();
  }

  override cancel(index: number, offset: number, length: number): void {
    this.#withdraw(index, offset, length);
    super.cancel(index, offset, length);
  }

  /**
   * bittorrent-protocol gives up on a peer (an MSE handshake that cannot resynchronise, a bad
   * verification constant, a have-all without BEP 6, a handshake that is not BitTorrent) by ending
   * its own writable side, which does not close the socket. Saying so lets the link close at once
   * instead of waiting out its handshake deadline.
   */
  override end(data?: unknown): this {
    if (!this.#violated && !this.#ending) {
      this.#ending = true;
      this.emit('gave-up');
    }
    return super.end(data);
  }

  /**
   * Each message bittorrent-protocol sends is pushed on its own, and the pipe makes each one a
   * socket write: a refill of 30 requests was 30 system calls (and 30 RC4 calls), about a tenth of
   * the product's CPU at full speed. Once any MSE handshake is over, what one turn of the event
   * loop sends goes as one chunk at the next tick, in order. MSE's own steps, and everything before
   * they end, go at once: the handshake reads them in step.
   */
  override _push(data: Uint8Array): boolean | undefined {
    if (this._finished) return undefined;
    if (this._encryptor && !this._cryptoHandshakeDone) return super._push(data);
    this.#outbox.push(data);
    this.#outboxBytes += data.length;
    if (this.#outbox.length === 1) process.nextTick(this.#flush);
    return true;
  }

  #outbox: Uint8Array[] = [];
  #outboxBytes = 0;
  #flush = (): void => {
    const out = this.#outbox;
    const bytes = this.#outboxBytes;
    this.#outbox = [];
    this.#outboxBytes = 0;
    if (out.length > 0 && !this.destroyed) super._push(out.length === 1 ? out[0]! : Buffer.concat(out, bytes));
  };

  /** Messages parsed after the handshake (tests and audits). */
  get messageCount(): number {
    return this.#messages;
  }
}
