/** Records, in order, the pieces a session fetched from the network from now on. */
import type { TorrentSession } from '../../src/core/engine.js';

export function recordNetworkPieces(session: TorrentSession): number[] {
  const pieces: number[] = [];
  session.onPiece((piece, fromNetwork) => {
    if (fromNetwork) pieces.push(piece);
  });
  return pieces;
}
