declare module 'create-torrent' {
  interface CreateTorrentOptions {
    name?: string;
    pieceLength?: number;
    announceList?: string[][];
    urlList?: string[];
    private?: boolean;
    createdBy?: string;
    creationDate?: number;
  }
  export default function createTorrent(
    input: string | string[] | Buffer | Buffer[],
    opts: CreateTorrentOptions,
    cb: (err: Error | null, torrent: Uint8Array) => void,
  ): void;
}
