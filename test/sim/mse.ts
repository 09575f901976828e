/**
 * The pieces of MSE/PE (Message Stream Encryption, the "BitTorrent protocol encryption" spec)
 * that the test world's hostile MSE peers and the tests that check them need: the 768-bit
 * Diffie-Hellman group, the RC4 keys derived from the shared secret and the infohash, and RC4
 * itself. RC4 is written out here because Node's OpenSSL 3 offers it only with
 * --openssl-legacy-provider, which test processes are not started with.
 */
import crypto from 'node:crypto';

/** The spec's prime P (Oakley group 1, 768 bits); the generator is 2. */
export const MSE_PRIME = Buffer.from(
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A63A36210000000000090563',
  'hex',
);
export const MSE_KEY_BYTES = 96;
/** Pads A and B are at most this long: a peer resynchronises on the next field within it. */
export const MSE_MAX_PAD = 512;
/** The verification constant: 8 zero bytes, sent encrypted so the other side can find the stream. */
export const MSE_VC = Buffer.alloc(8);
export const CRYPTO_PLAINTEXT = 1;
export const CRYPTO_RC4 = 2;

export interface DhKeys {
  /** Our public key Y, 96 bytes big-endian. */
  publicKey: Buffer;
  /** The shared secret S from the other side's public key, 96 bytes big-endian. */
  secret(otherPublic: Buffer): Buffer;
}

const pad96 = (b: Buffer) => (b.length >= MSE_KEY_BYTES ? b.subarray(b.length - MSE_KEY_BYTES) : Buffer.concat([Buffer.alloc(MSE_KEY_BYTES - b.length), b]));

export function dhKeys(): DhKeys {
  const dh = crypto.createDiffieHellman(MSE_PRIME, Buffer.from([2]));
  // The spec asks for a private key of at least 128 bits; OpenSSL picks one of the prime's size.
  dh.generateKeys();
  return { publicKey: pad96(dh.getPublicKey()), secret: (other) => pad96(dh.computeSecret(other)) };
}

export const sha1 = (...parts: Buffer[]): Buffer => {
  const h = crypto.createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** RC4, keyed as MSE keys it: the first 1024 bytes of keystream are discarded. */
export class Rc4 {
  #s = new Uint8Array(256);
  #i = 0;
  #j = 0;

  constructor(key: Buffer, discard = 1024) {
    const s = this.#s;
    for (let i = 0; i < 256; i++) s[i] = i;
    for (let i = 0, j = 0; i < 256; i++) {
      j = (j + s[i]! + key[i % key.length]!) & 0xff;
      [s[i], s[j]] = [s[j]!, s[i]!];
    }
    this.update(Buffer.alloc(discard));
  }

  /** XORs data with the keystream (encrypting and decrypting are the same). */
  update(data: Buffer): Buffer {
    const s = this.#s;
    const out = Buffer.allocUnsafe(data.length);
    let i = this.#i;
    let j = this.#j;
    for (let k = 0; k < data.length; k++) {
      i = (i + 1) & 0xff;
      j = (j + s[i]!) & 0xff;
      const t = s[i]!;
      s[i] = s[j]!;
      s[j] = t;
      out[k] = data[k]! ^ s[(s[i]! + s[j]!) & 0xff]!;
    }
    this.#i = i;
    this.#j = j;
    return out;
  }
}

/** The key each side encrypts with: 'keyA' for the initiator, 'keyB' for the responder. */
export function mseKey(side: 'keyA' | 'keyB', secret: Buffer, infoHash: Buffer): Buffer {
  return sha1(Buffer.from(side), secret, infoHash);
}

export type MseOutcome =
  /** The responder's step 4 was found: what it selected, how long its pad B was, and what came after it so far (decrypted when RC4 was selected). */
  | { ok: true; selected: number; padB: number; after: Buffer }
  /**
   * It closed, stayed silent, or no encrypted VC came within Yb + 512 + 8 bytes. `vcAt` is where
   * after Yb the encrypted VC was found anyway (an over-long pad), null when nowhere.
   */
  | { ok: false; reason: 'closed' | 'timeout' | 'no-vc'; received: Buffer; vcAt: number | null };

/**
 * An MSE initiator, as strict as the spec: sends Ya with a pad, then step 3 (providing `provide`,
 * with `initialPayload` as IA), and looks for the responder's encrypted VC within 512 + 8 bytes
 * after Yb; with `awaitAfter`, it also waits for that many bytes after step 4. Checks a peer's MSE answer from outside the code under test; it never decides for it.
 */
export function mseInitiate(socket: import('node:net').Socket, infoHash: Buffer, opts: { provide?: number; initialPayload?: Buffer; timeoutMs?: number; padA?: number; awaitAfter?: number } = {}): Promise<MseOutcome> {
  const keys = dhKeys();
  socket.write(Buffer.concat([keys.publicKey, crypto.randomBytes(opts.padA ?? 32)]));
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let vcPattern: Buffer | undefined;
    let keyB: Buffer | undefined;
    let settled = false;
    const finish = (outcome: MseOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(outcome);
    };
    const vcAnywhere = () => (vcPattern ? received.indexOf(vcPattern, MSE_KEY_BYTES) : -1);
    const fail = (reason: 'closed' | 'timeout' | 'no-vc') => {
      const at = vcAnywhere();
      finish({ ok: false, reason, received, vcAt: at >= 0 ? at - MSE_KEY_BYTES : null });
    };
    const onData = (d: Buffer) => {
      received = Buffer.concat([received, d]);
      if (!vcPattern && received.length >= MSE_KEY_BYTES) {
        const secret = keys.secret(received.subarray(0, MSE_KEY_BYTES));
        keyB = mseKey('keyB', secret, infoHash);
        vcPattern = new Rc4(keyB).update(MSE_VC);
        const ia = opts.initialPayload ?? Buffer.alloc(0);
        const enc = new Rc4(mseKey('keyA', secret, infoHash));
        const lengths = Buffer.alloc(8);
        lengths.writeUInt32BE(opts.provide ?? CRYPTO_RC4, 0);
        lengths.writeUInt16BE(0, 4); // len(PadC)
        lengths.writeUInt16BE(ia.length, 6);
        const req2 = sha1(Buffer.from('req2'), infoHash);
        const req3 = sha1(Buffer.from('req3'), secret);
        for (let i = 0; i < 20; i++) req2[i]! ^= req3[i]!;
        socket.write(Buffer.concat([sha1(Buffer.from('req1'), secret), req2, enc.update(Buffer.concat([MSE_VC, lengths, ia]))]));
      }
      if (!vcPattern || !keyB) return;
      const window = received.subarray(MSE_KEY_BYTES, MSE_KEY_BYTES + MSE_MAX_PAD + MSE_VC.length);
      const at = window.indexOf(vcPattern);
      const start = MSE_KEY_BYTES + at + MSE_VC.length;
      if (at >= 0 && received.length >= start + 6) {
        const dec = new Rc4(keyB);
        dec.update(MSE_VC);
        const head = dec.update(received.subarray(start, start + 6));
        const padD = head.readUInt16BE(4);
        // The caller may want the peer's first bytes after step 4 too (its handshake).
        if (received.length < start + 6 + padD + (opts.awaitAfter ?? 0)) return;
        dec.update(received.subarray(start + 6, start + 6 + padD));
        const rest = received.subarray(start + 6 + padD);
        const selected = head.readUInt32BE(0);
        return finish({ ok: true, selected, padB: at, after: selected === CRYPTO_RC4 ? dec.update(rest) : rest });
      }
      if (at < 0 && received.length >= MSE_KEY_BYTES + MSE_MAX_PAD + MSE_VC.length) fail('no-vc');
    };
    const onClose = () => fail('closed');
    const timer = setTimeout(() => fail('timeout'), opts.timeoutMs ?? 2_000);
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}
