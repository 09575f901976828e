/**
 * Checks what the user pasted before it goes to the server, so the common mistakes get a clear
 * message at once. The server validates again; this only saves a round trip.
 */

export type SourceCheck = { ok: true; source: string; kind: 'magnet' | 'infohash' } | { ok: false; message: string };

/** Largest .torrent the page will read and send (the server may refuse smaller ones with 413). */
export const MAX_TORRENT_FILE_BYTES = 4 * 1024 * 1024;

const HEX40 = /^[0-9a-f]{40}$/i;
const BASE32_32 = /^[a-z2-7]{32}$/i;

export function checkSource(input: string): SourceCheck {
  const text = input.trim();
  if (!text) return { ok: false, message: 'Paste a magnet link or a 40-character infohash.' };
  if (HEX40.test(text) || BASE32_32.test(text)) return { ok: true, source: text, kind: 'infohash' };
  if (/^magnet:/i.test(text)) {
    const query = text.slice(text.indexOf(':') + 1).replace(/^\?/, '');
    const params = new URLSearchParams(query);
    const topics = params.getAll('xt');
    const btih = topics.map((xt) => /^urn:btih:(.+)$/i.exec(xt)?.[1]).find((v) => v !== undefined);
    if (btih === undefined) return { ok: false, message: 'This magnet link has no BitTorrent infohash (xt=urn:btih:…).' };
    if (!HEX40.test(btih) && !BASE32_32.test(btih)) {
      return { ok: false, message: 'The infohash in this magnet link is damaged: it must be 40 hex or 32 base32 characters.' };
    }
    return { ok: true, source: text, kind: 'magnet' };
  }
  if (/^[0-9a-f]+$/i.test(text)) {
    return { ok: false, message: `An infohash has 40 hex characters; this one has ${text.length}.` };
  }
  return { ok: false, message: 'That is neither a magnet link nor an infohash. To add a .torrent file, use “Choose .torrent file”.' };
}

/** Refuses what is obviously not a .torrent before reading it into memory. */
export function checkTorrentFile(file: { name: string; size: number }): { ok: true } | { ok: false; message: string } {
  if (file.size === 0) return { ok: false, message: `${file.name} is empty.` };
  if (file.size > MAX_TORRENT_FILE_BYTES) {
    const mb = (MAX_TORRENT_FILE_BYTES / 1024 / 1024).toFixed(0);
    return { ok: false, message: `${file.name} is too large for a .torrent file (over ${mb} MB).` };
  }
  return { ok: true };
}

/** Base64 of bytes, in chunks so large files do not overflow the argument list. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}
