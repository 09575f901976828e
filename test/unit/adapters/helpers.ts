import type { CatalogTorrent } from '../../../src/core/catalog.js';

export const HASH_A = 'a'.repeat(40);
export const HASH_B = 'b'.repeat(40);

export function torrent(infoHash: string, name: string, files: Array<[string, string, number?]>): CatalogTorrent {
  return {
    infoHash,
    name,
    length: files.reduce((n, [, , l]) => n + (l ?? 1000), 0),
    downloaded: 0,
    ready: true,
    files: files.map(([fileName, mime, length], index) => ({ index, name: fileName, mime, length: length ?? 1000, url: `/stream/${infoHash}/${index}` })),
  };
}

export const urlFor = (h: string, i: number): string => `http://127.60.0.1:8888/stream/${h}/${i}?st=tok${i}`;

export const CD = 'urn:schemas-upnp-org:service:ContentDirectory:1';

export function browseBody(args: Record<string, string>, action = 'Browse', extra = ''): string {
  const inner = Object.entries(args).map(([k, v]) => `<${k}>${v}</${k}>`).join('');
  return `<?xml version="1.0"?>${extra}<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><u:${action} xmlns:u="${CD}">${inner}</u:${action}></s:Body></s:Envelope>`;
}

