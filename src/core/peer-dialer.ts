/**
 * Turns the candidates the privacy layer hands over into open peer links, as a modern client
 * does: many dials at once with short connect timeouts (a refused dial frees its slot at once, a
 * silent one after CONNECT_TIMEOUT_MS), TCP and uTP raced per peer, MSE first and one plaintext
 * redial where the policy allows it, failed addresses retried with backoff and then given up,
 * protocol breakers never dialled again. First byte never waits on peers that cannot be reached
 * while others are still untried. The rules are dial-plan.ts; this is their I/O and bookkeeping.
 */
import type { Duplex } from 'node:stream';
import type { PeerAddress } from '../privacy/peer-source.js';
import { afterFailure, afterSuccess, encryptionOrder, freshHistory, isDue, isGivenUp, transportOrder, type EncryptionPolicy, type PeerHistory, type WireEncryption } from '../transport/dial-plan.js';
import { DialError, type Transport, type TransportName } from '../transport/transport.js';
import type { LinkStage, PeerLink } from './peer-wire.js';

/** A silent peer (NAT, gone) holds a dial slot this long; real RTTs are well under a second. */
export const CONNECT_TIMEOUT_MS = 3_000;
/** TCP's head start before uTP is raced against it on a peer we know nothing about. */
export const UTP_HEAD_START_MS = 250;
/** Dials in progress at once (libtorrent 2.0 has no half-open limit; it paces at 30 a second). */
export const MAX_HALF_OPEN = 64;
/** The reason a session gives when it closes a link it has no room for: requeued, not a failure. */
export const SURPLUS_REASON = 'enough peers';
/** Peers waiting for a dial; the oldest are forgotten past this. */
export const MAX_WAITING = 2_000;

export interface LinkRequest {
  peer: PeerAddress;
  stream: Duplex;
  transport: TransportName;
  encryption: WireEncryption;
  onOpen(link: PeerLink): void;
  onClose(link: PeerLink, reason: string, stage: LinkStage, violation: boolean): void;
}

export interface PeerDialerOptions {
  transports: readonly Transport[];
  encryption: EncryptionPolicy;
  now: () => number;
  connectTimeoutMs?: number;
  utpHeadStartMs?: number;
  maxHalfOpen?: number;
  /** Whether another open link is wanted now (below the session's peer target). */
  wantsMore(): boolean;
  /** Builds the link (handshake, metadata, geometry) over a stream a transport opened. */
  makeLink(req: LinkRequest): PeerLink;
  /** A link reached the BitTorrent handshake; from here the session owns it. */
  opened(link: PeerLink): void;
  /** An open link closed (the session forgets it; the dialer may try the peer again later). */
  closed(link: PeerLink, reason: string): void;
  /** An attempt ended without a usable connection; givenUp: no further attempt will be made. */
  failed(peer: PeerAddress, reason: string, givenUp: boolean): void;
  /** The peer broke the protocol: banned for this session. */
  banned(peer: PeerAddress, reason: string): void;
}

type Outcome = { link: PeerLink } | { reason: string; stage: LinkStage; violation: boolean };

const keyOf = (p: PeerAddress) => `${p.host}:${p.port}`;

export class PeerDialer {
  readonly #opts: PeerDialerOptions;
  readonly #history = new Map<string, PeerHistory>();
  /** Candidates in the order the privacy layer ranked them (Map keeps insertion order). */
  readonly #waiting = new Map<string, PeerAddress>();
  readonly #dialing = new Map<string, AbortController>();
  /** Attempts past their first try (other encryption, other transport): they hold no dial slot. */
  readonly #following = new Map<string, AbortController>();
  readonly #open = new Set<string>();
  readonly #blockedHosts = new Set<string>();
  #retryTimer: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(opts: PeerDialerOptions) {
    this.#opts = opts;
  }

  get dialing(): number {
    return this.#dialing.size + this.#following.size;
  }

  /** Candidates not yet given up (waiting, in backoff, or being dialled). */
  get pending(): number {
    return this.#waiting.size + this.#dialing.size + this.#following.size;
  }

  /** Whether some waiting candidate could be dialled now (peers in backoff do not count). */
  hasDue(): boolean {
    const now = this.#opts.now();
    for (const key of this.#waiting.keys()) if (isDue(this.#history.get(key) ?? freshHistory(), now)) return true;
    return false;
  }

  historyOf(peer: PeerAddress): Readonly<PeerHistory> | undefined {
    return this.#history.get(keyOf(peer));
  }

  add(peer: PeerAddress): void {
    const key = keyOf(peer);
    if (this.#stopped || this.#blockedHosts.has(peer.host) || this.#open.has(key) || this.#dialing.has(key) || this.#following.has(key) || this.#waiting.has(key)) return;
    const h = this.#history.get(key);
    if (h && isGivenUp(h)) return;
    if (this.#waiting.size >= MAX_WAITING) this.#waiting.delete(this.#waiting.keys().next().value!);
    this.#waiting.set(key, { host: peer.host, port: peer.port });
    this.pump();
  }

  /** Never dial this host (or host:port) again, and stop what is under way. */
  block(peer: { host: string; port?: number }): void {
    if (peer.port === undefined) this.#blockedHosts.add(peer.host);
    for (const [k, p] of this.#waiting) if (p.host === peer.host && (peer.port === undefined || p.port === peer.port)) this.#waiting.delete(k);
    for (const [k, ctl] of [...this.#dialing, ...this.#following]) {
      const [host, port] = splitKey(k);
      if (host === peer.host && (peer.port === undefined || port === peer.port)) ctl.abort();
    }
    if (peer.port !== undefined) {
      const k = `${peer.host}:${peer.port}`;
      this.#history.set(k, { ...(this.#history.get(k) ?? freshHistory()), banned: 'dropped by the privacy layer' });
    }
  }

  /** Starts dials while slots and wanted peers allow. */
  pump(): void {
    if (this.#stopped) return;
    const now = this.#opts.now();
    const limit = this.#opts.maxHalfOpen ?? MAX_HALF_OPEN;
    let nextDue = Infinity;
    for (const [key, peer] of this.#waiting) {
      if (this.#dialing.size >= limit || !this.#opts.wantsMore()) break;
      const h = this.#history.get(key) ?? freshHistory();
      if (isGivenUp(h)) {
        this.#waiting.delete(key);
        continue;
      }
      if (!isDue(h, now)) {
        nextDue = Math.min(nextDue, h.retryAt);
        continue;
      }
      this.#waiting.delete(key);
      void this.#attempt(peer);
    }
    this.#armRetry(nextDue, now);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    for (const ctl of [...this.#dialing.values(), ...this.#following.values()]) ctl.abort();
    this.#waiting.clear();
  }

  #armRetry(due: number, now: number): void {
    if (due === Infinity || this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.pump();
    }, Math.max(50, due - now));
    this.#retryTimer.unref();
  }

  async #attempt(peer: PeerAddress): Promise<void> {
    const key = keyOf(peer);
    const ctl = new AbortController();
    this.#dialing.set(key, ctl);
    let history = this.#history.get(key) ?? freshHistory();
    let lastReason = 'no attempt';
    try {
      const encryptions = encryptionOrder(this.#opts.encryption, history);
      const all = this.#opts.transports.map((t) => t.name);
      // A transport that connects is not always one the peer talks on (libtorrent with TCP off
      // still accepts and hangs up), so each transport that connects gets every encryption the
      // policy allows before the next transport is raced.
      const hungUp = new Set<TransportName>();
      let toldFailed = false;
      for (;;) {
        let conn: { stream: Duplex; transport: TransportName };
        try {
          conn = await this.#race(peer, history, ctl.signal, hungUp);
        } catch (err) {
          if (!hungUp.size) lastReason = err instanceof Error ? err.message : String(err);
          break;
        }
        let mseRefused = false;
        for (const [i, encryption] of encryptions.entries()) {
          if (i > 0) {
            try {
              conn = await this.#race(peer, history, ctl.signal, new Set(all.filter((t) => t !== conn.transport)));
            } catch (err) {
              lastReason = err instanceof Error ? err.message : String(err);
              break;
            }
          }
          if (ctl.signal.aborted) {
            conn.stream.destroy();
            return;
          }
          const outcome = await this.#handshake(peer, conn.stream, conn.transport, encryption, ctl.signal);
          if ('link' in outcome) {
            const worked = afterSuccess(history, conn.transport, encryption);
            // The encrypted try was hung up on and plaintext worked: next time, plaintext first.
            this.#history.set(key, mseRefused && encryption === 'plaintext' ? { ...worked, refusedEncryption: true } : worked);
            this.#open.add(key);
            this.#opts.opened(outcome.link);
            return;
          }
          if (outcome.violation) {
            this.#history.set(key, { ...history, banned: outcome.reason });
            this.#opts.banned(peer, outcome.reason);
            return;
          }
          lastReason = `${conn.transport}: ${outcome.reason}`;
          if (ctl.signal.aborted) return;
          // The likeliest way in failed: let the privacy layer hand the next candidate now, so
          // untried peers are dialled while this one's other ways are tried (breadth first).
          if (!toldFailed) {
            toldFailed = true;
            // Its slot goes to an untried peer too (a uTP try of a peer with no UDP port waits out
            // the connect timeout, and 64 of those held every slot for seconds).
            this.#dialing.delete(key);
            this.#following.set(key, ctl);
            this.#opts.failed(peer, lastReason, false);
            this.pump();
          }
          // Only a peer that hung up on MSE gets the plaintext try (prefer mode).
          if (encryption === 'rc4' && outcome.stage === 'crypto') mseRefused = true;
          else break;
        }
        hungUp.add(conn.transport);
      }
      if (ctl.signal.aborted) return;
      const next = afterFailure(history, this.#opts.now());
      this.#history.set(key, next);
      this.#opts.failed(peer, lastReason, isGivenUp(next));
      if (!isGivenUp(next)) this.#waiting.set(key, peer);
    } finally {
      if (this.#dialing.get(key) === ctl) this.#dialing.delete(key);
      if (this.#following.get(key) === ctl) this.#following.delete(key);
      this.pump();
    }
  }

  /** The first transport to connect wins; the next one starts after a head start or a failure. */
  #race(peer: PeerAddress, history: PeerHistory, signal: AbortSignal, exclude: ReadonlySet<TransportName>): Promise<{ stream: Duplex; transport: TransportName }> {
    const order = transportOrder(this.#opts.transports.map((t) => t.name), history).filter((t) => !exclude.has(t));
    const transports = order.map((name) => this.#opts.transports.find((t) => t.name === name)!);
    const timeoutMs = this.#opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    const headStart = this.#opts.utpHeadStartMs ?? UTP_HEAD_START_MS;
    return new Promise((resolve, reject) => {
      const losers = new AbortController();
      const onAbort = () => losers.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      let started = 0;
      let failedCount = 0;
      let won = false;
      const errors: string[] = [];
      let timer: NodeJS.Timeout | null = null;
      const startNext = () => {
        if (timer) clearTimeout(timer);
        timer = null;
        if (won || started >= transports.length) return;
        const t = transports[started++]!;
        if (started < transports.length) {
          timer = setTimeout(startNext, headStart);
          timer.unref();
        }
        t.dial(peer, { timeoutMs, signal: losers.signal }).then(
          (stream) => {
            if (won || signal.aborted) return void stream.destroy();
            won = true;
            if (timer) clearTimeout(timer);
            signal.removeEventListener('abort', onAbort);
            losers.abort();
            resolve({ stream, transport: t.name });
          },
          (err: unknown) => {
            failedCount++;
            errors.push(err instanceof DialError ? err.message : `${t.name}: ${String(err)}`);
            if (won) return;
            if (failedCount === transports.length) {
              signal.removeEventListener('abort', onAbort);
              return reject(new Error(errors.join('; ')));
            }
            if (started < transports.length) startNext();
          },
        );
      };
      if (transports.length === 0) return reject(new Error(exclude.size ? `hung up on every transport (${[...exclude].join(', ')})` : 'no transport enabled'));
      startNext();
    });
  }

  #handshake(peer: PeerAddress, stream: Duplex, transport: TransportName, encryption: WireEncryption, signal: AbortSignal): Promise<Outcome> {
    return new Promise((resolve) => {
      let opened = false;
      const link = this.#opts.makeLink({
        peer,
        stream,
        transport,
        encryption,
        onOpen: (l) => {
          opened = true;
          signal.removeEventListener('abort', onAbort);
          resolve({ link: l });
        },
        onClose: (l, reason, stage, violation) => {
          signal.removeEventListener('abort', onAbort);
          if (!opened) return resolve({ reason, stage, violation });
          this.#linkClosed(l, reason, violation);
        },
      });
      const onAbort = () => link.close('dial aborted');
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** An open link closed: the session forgets it; an ordinary close may be redialled after a pause. */
  #linkClosed(link: PeerLink, reason: string, violation: boolean): void {
    const key = link.key;
    this.#open.delete(key);
    const peer = { host: link.host, port: link.port };
    const h = this.#history.get(key) ?? freshHistory();
    if (violation) {
      this.#history.set(key, { ...h, banned: reason });
      this.#opts.banned(peer, reason);
    } else if (reason === SURPLUS_REASON) {
      this.#waiting.set(key, peer);
    } else if (!h.banned && !this.#blockedHosts.has(link.host) && !this.#stopped) {
      const next = afterFailure(h, this.#opts.now());
      this.#history.set(key, next);
      if (!isGivenUp(next)) this.#waiting.set(key, peer);
    }
    this.#opts.closed(link, reason);
    this.pump();
  }
}

function splitKey(key: string): [string, number] {
  const i = key.lastIndexOf(':');
  return [key.slice(0, i), Number(key.slice(i + 1))];
}
