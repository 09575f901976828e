/**
 * The pairing token (what a phone presents once, then keeps as a cookie) and the per-stream
 * tokens that /stream URLs handed to TVs carry instead.
 */
import { createHmac, randomBytes as cryptoRandomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TorrentLiveError } from '../errors.js';
import { tokensEqual } from './auth-rules.js';

export const PAIRING_TOKEN_FILE = 'pairing-token';
/** 32 random bytes: 256 bits, far beyond guessing over HTTP. */
export const PAIRING_TOKEN_BYTES = 32;
/** Shortest token accepted from the file; anything shorter was not written by us and is replaced. */
const MIN_TOKEN_LENGTH = 32;
/** Hex characters of HMAC-SHA256 kept in a stream token: 128 bits, short enough for TV URLs. */
export const STREAM_TOKEN_HEX_LENGTH = 32;

export interface LoadTokenOptions {
  /** `--new-token`: replace the stored token, so every paired phone must pair again. */
  rotate: boolean;
  /** Injected for tests; crypto.randomBytes by default. */
  randomBytes?: (size: number) => Buffer;
}

export interface LoadedToken {
  token: string;
  /** True when this call wrote a new token (first run, rotation, or an unusable file). */
  created: boolean;
  path: string;
}

/**
 * Reads `<storeDir>/pairing-token`, or writes a fresh one (mode 0600: other local users must not
 * read it, since it opens the API to the whole LAN). Written to a temporary file and renamed so
 * a crash never leaves a half-written token.
 */
export async function loadOrCreateToken(storeDir: string, options: LoadTokenOptions): Promise<LoadedToken> {
  const path = join(storeDir, PAIRING_TOKEN_FILE);
  const random = options.randomBytes ?? cryptoRandomBytes;
  if (!options.rotate) {
    const existing = await readExisting(path);
    if (existing !== undefined) {
      // Tighten permissions a user (or an old version) may have loosened.
      await chmod(path, 0o600).catch(() => undefined);
      return { token: existing, created: false, path };
    }
  }
  const token = random(PAIRING_TOKEN_BYTES).toString('base64url');
  try {
    await mkdir(storeDir, { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, `${token}\n`, { mode: 0o600 });
    await rename(temporary, path);
  } catch (err) {
    throw new TorrentLiveError('E_STORE', `cannot write the pairing token to ${path}: ${(err as Error).message}`, { cause: err });
  }
  return { token, created: true, path };
}

async function readExisting(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TorrentLiveError('E_STORE', `cannot read the pairing token ${path}: ${(err as Error).message}`, { cause: err });
  }
  const token = text.trim();
  return /^[A-Za-z0-9_-]+$/.test(token) && token.length >= MIN_TOKEN_LENGTH ? token : undefined;
}

/**
 * The token a /stream URL for one file carries (`?st=`). An HMAC of the file's identity under the
 * server's secret: a TV (which cannot hold a cookie) can play exactly that file, and someone who
 * sees the URL on the LAN learns nothing that opens the API or other files.
 */
export function streamToken(secret: string, infoHash: string, fileIndex: number): string {
  return createHmac('sha256', secret)
    .update(`stream\n${infoHash.toLowerCase()}\n${fileIndex}`)
    .digest('hex')
    .slice(0, STREAM_TOKEN_HEX_LENGTH);
}

/** Constant-time check of a presented `?st=` value against the file it claims to open. */
export function verifyStreamToken(secret: string, infoHash: string, fileIndex: number, presented: string | undefined): boolean {
  if (!Number.isSafeInteger(fileIndex) || fileIndex < 0) return false;
  return tokensEqual(presented, streamToken(secret, infoHash, fileIndex));
}
