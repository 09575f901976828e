/**
 * What the service holds, as adapters and the API see it: torrents, their files, and the
 * absolute URLs that play them. Adapters (DLNA server, M3U, .strm, add-on manifest) read only this.
 */
export interface CatalogFile {
  index: number;
  /** The file's path inside the torrent, '/'-separated, as the torrent names it (sanitised). */
  name: string;
  length: number;
  mime: string;
  /** Absolute URL of /stream/:infoHash/:fileIndex on the address the caller asked for. */
  url: string;
}

export interface CatalogTorrent {
  infoHash: string;
  name: string;
  length: number;
  downloaded: number;
  ready: boolean;
  files: CatalogFile[];
}

export interface Catalog {
  list(baseUrl: string): CatalogTorrent[];
  get(infoHash: string, baseUrl: string): CatalogTorrent | undefined;
  add(source: string): Promise<CatalogTorrent>;
  /** Increments whenever the list or a torrent's metadata changes (DLNA SystemUpdateID). */
  readonly updateId: number;
}
