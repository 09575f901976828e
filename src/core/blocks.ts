/** Pieces are fetched in 16 KiB blocks: the size every client serves and the wire's unit of request. */
export const BLOCK_BYTES = 16 * 1024;

export function blocksIn(pieceLength: number): number {
  return Math.ceil(pieceLength / BLOCK_BYTES);
}

export function blockLength(pieceLength: number, block: number): number {
  return Math.min(BLOCK_BYTES, pieceLength - block * BLOCK_BYTES);
}

export interface BlockRef {
  piece: number;
  block: number;
}
