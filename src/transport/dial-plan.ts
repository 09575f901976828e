/**
 * How to reach one peer, as pure rules over what earlier attempts taught us: which transport to
 * try first, whether to encrypt, when to try again and when to give up. The I/O that follows
 * these rules is peer-dialer.ts.
 */
import type { TransportName } from './transport.js';

/**
 * prefer: MSE with RC4 first, one plaintext redial for a peer that refused it;
 * require: RC4 or nothing; off: the plaintext handshake only (the 2015 behaviour).
 */
export type EncryptionPolicy = 'prefer' | 'require' | 'off';
export const ENCRYPTION_POLICIES: readonly EncryptionPolicy[] = ['prefer', 'require', 'off'];

/** What one connection actually carried. */
export type WireEncryption = 'rc4' | 'plaintext';

export interface PeerHistory {
  /** Attempts in a row that ended before a usable connection. */
  failures: number;
  /** Not to be dialled before this time (ms, the session's clock). */
  retryAt: number;
  /** The transport that last connected. */
  transport?: TransportName;
  /** The peer closed on our MSE handshake: it only takes plaintext (prefer mode redials once). */
  refusedEncryption?: boolean;
  /** Broke the protocol: never dialled again in this session. */
  banned?: string;
}

/** Pauses before the next attempt after 1, 2, ... failures; past the last one the peer is given up. */
export const RETRY_BACKOFF_MS: readonly number[] = [4_000, 15_000, 60_000];
export const MAX_DIAL_FAILURES = RETRY_BACKOFF_MS.length;

export function freshHistory(): PeerHistory {
  return { failures: 0, retryAt: 0 };
}

/** The encryption of each handshake to try, in order, on one dial. */
export function encryptionOrder(policy: EncryptionPolicy, h: PeerHistory): WireEncryption[] {
  if (policy === 'off') return ['plaintext'];
  if (policy === 'require') return ['rc4'];
  return h.refusedEncryption ? ['plaintext'] : ['rc4', 'plaintext'];
}

/**
 * Transports in the order they are raced: the one that worked last first; otherwise TCP (cheaper
 * per byte here, and what most peers accept), with uTP started after a short head start or as soon
 * as TCP fails, so a uTP-only peer costs one refused SYN, not a timeout.
 */
export function transportOrder(available: readonly TransportName[], h: PeerHistory): TransportName[] {
  const order: TransportName[] = ['tcp', 'utp'];
  const usable = order.filter((t) => available.includes(t));
  if (h.transport && usable.includes(h.transport)) return [h.transport, ...usable.filter((t) => t !== h.transport)];
  return usable;
}

/** A failed attempt: when to try again, or given up (retryAt Infinity). */
export function afterFailure(h: PeerHistory, now: number): PeerHistory {
  const failures = h.failures + 1;
  const pause = RETRY_BACKOFF_MS[failures - 1];
  return { ...h, failures, retryAt: pause === undefined ? Infinity : now + pause };
}

/** A connection that reached the BitTorrent handshake: the slate is clean again. */
export function afterSuccess(h: PeerHistory, transport: TransportName, encryption: WireEncryption): PeerHistory {
  return { ...h, failures: 0, retryAt: 0, transport, ...(encryption === 'plaintext' && h.refusedEncryption ? { refusedEncryption: true } : {}) };
}

export function isGivenUp(h: PeerHistory): boolean {
  return h.banned !== undefined || h.retryAt === Infinity;
}

export function isDue(h: PeerHistory, now: number): boolean {
  return !isGivenUp(h) && h.retryAt <= now;
}
