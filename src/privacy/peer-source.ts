/**
 * The only way the engine learns about peers (docs/ARCHITECTURE.md: src/core never finds peers by itself).
 * A PeerSource starts one PeerSession per torrent; the session hands out candidate peers, asks the
 * engine to drop peers it later learns are spies, and takes the engine's reports on behaviour.
 */
export interface PeerAddress {
  host: string;
  port: number;
}

/**
 * unreachable: a dial or handshake failed (refused, silent, hung up); the slot it held is free.
 * protocol-violation: the peer broke the wire protocol and was dropped for good.
 */
export type PeerVerdict = 'connected' | 'closed' | 'unreachable' | 'no-pieces' | 'slow' | 'bad-data' | 'protocol-violation';

/** What the engine knows about a verdict: how a connection was made, why an attempt failed. */
export interface PeerReportDetail {
  transport?: 'tcp' | 'utp';
  encryption?: 'rc4' | 'plaintext';
  reason?: string;
  /** unreachable only: the engine will not try this address again. */
  givenUp?: boolean;
}

export interface PeerSessionEvents {
  /** A candidate the engine may connect to. */
  peer: (peer: PeerAddress) => void;
  /** A peer (or every port of an IP when port is undefined) that must be disconnected now. */
  drop: (peer: { host: string; port?: number }, reason: string) => void;
}

export interface PeerSession {
  on<E extends keyof PeerSessionEvents>(event: E, listener: PeerSessionEvents[E]): this;
  off<E extends keyof PeerSessionEvents>(event: E, listener: PeerSessionEvents[E]): this;
  /** The engine's swarm fell below its target size: find more candidates. */
  needMore(): void;
  /** What the engine saw of a peer, so behaviour-based blocking can act on it. */
  report(peer: PeerAddress, verdict: PeerVerdict, detail?: PeerReportDetail): void;
  /** DHT nodes the latest lookup reached (optional: a source without a DHT leaves it out). */
  dhtNodes?(): number;
  stop(): void;
}

export interface PeerSource {
  /** infoHash is 40 lowercase hex characters. */
  start(infoHash: string): PeerSession;
  close(): Promise<void>;
}
