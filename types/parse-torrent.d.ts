declare module 'parse-torrent' {
  export interface ParsedTorrentFile { path: string; name: string; length: number; offset: number }
  export interface ParsedTorrent {
    infoHash: string;
    name?: string;
    info?: unknown;
    infoBuffer?: Uint8Array;
    announce?: string[];
    files?: ParsedTorrentFile[];
    length?: number;
    pieceLength?: number;
    lastPieceLength?: number;
    pieces?: string[];
  }
  export default function parseTorrent(id: string | Uint8Array | ParsedTorrent): Promise<ParsedTorrent>;
  export function toMagnetURI(parsed: ParsedTorrent): string;
  export function toTorrentFile(parsed: ParsedTorrent): Uint8Array;
}
