/**
 * The only way the engine learns about peers (docs/ARCHITECTURE.md: src/core never finds peers by itself).
 * A PeerSource starts one PeerSession per torrent; the session hands out candidate peers, asks the
 * engine to drop peers it later learns are spies, and takes the engine's reports on behaviour.
 */
export interface PeerAddress {
  host: string;
  port: number;
}

export type PeerVerdict = 'connected' | 'closed' | 'no-pieces' | 'slow' | 'bad-data';

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
  report(peer: PeerAddress, verdict: PeerVerdict): void;
  /** DHT nodes the latest lookup reached (optional: a source without a DHT leaves it out). */
  dhtNodes?(): number;
  stop(): void;
}

export interface PeerSource {
  /** infoHash is 40 lowercase hex characters. */
  start(infoHash: string): PeerSession;
  close(): Promise<void>;
}
