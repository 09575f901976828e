/**
 * A PeerSource that hands the engine a fixed list of peers and records every verdict, standing in
 * for the privacy layer where a test is about the engine's own behaviour. Like the private
 * lookup, it answers a 'bad-data' or third 'slow' verdict with a drop, and counts needMore calls.
 */
import { EventEmitter } from 'node:events';
import type { PeerAddress, PeerSession, PeerSessionEvents, PeerSource, PeerVerdict } from '../../src/privacy/peer-source.js';

export interface Verdict {
  peer: string;
  verdict: PeerVerdict;
}

export class StaticPeerSession extends EventEmitter implements PeerSession {
  readonly verdicts: Verdict[] = [];
  readonly dropped: string[] = [];
  needMoreCalls = 0;
  #peers: PeerAddress[];
  #slow = new Map<string, number>();
  #stopped = false;

  constructor(peers: PeerAddress[]) {
    super();
    this.#peers = peers;
    setImmediate(() => this.#peers.forEach((p) => !this.#stopped && this.emit('peer', p)));
  }

  override on<E extends keyof PeerSessionEvents>(event: E, listener: PeerSessionEvents[E]): this {
    return super.on(event, listener);
  }

  override off<E extends keyof PeerSessionEvents>(event: E, listener: PeerSessionEvents[E]): this {
    return super.off(event, listener);
  }

  /** Hands over more peers later (a new walk found them). */
  add(peer: PeerAddress): void {
    this.emit('peer', peer);
  }

  needMore(): void {
    this.needMoreCalls++;
  }

  report(peer: PeerAddress, verdict: PeerVerdict): void {
    const key = `${peer.host}:${peer.port}`;
    this.verdicts.push({ peer: key, verdict });
    const strikes = verdict === 'slow' ? (this.#slow.get(key) ?? 0) + 1 : 0;
    if (verdict === 'slow') this.#slow.set(key, strikes);
    if (verdict === 'bad-data' || verdict === 'no-pieces' || strikes >= 3) {
      this.dropped.push(key);
      this.emit('drop', peer, verdict);
    }
  }

  stop(): void {
    this.#stopped = true;
  }
}

export class StaticPeerSource implements PeerSource {
  readonly sessions = new Map<string, StaticPeerSession>();
  #peers: PeerAddress[];

  constructor(peers: PeerAddress[]) {
    this.#peers = peers;
  }

  start(infoHash: string): StaticPeerSession {
    const session = new StaticPeerSession(this.#peers);
    this.sessions.set(infoHash, session);
    return session;
  }

  async close(): Promise<void> {}
}
