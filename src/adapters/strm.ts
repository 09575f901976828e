/**
 * `.strm` files for Jellyfin/Emby libraries: one small text file per video, holding the URL the
 * server plays. Names come from torrents, so every path segment is sanitised and the result is
 * checked to stay inside the target folder.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Catalog } from '../core/catalog.js';
import { TorrentLiveError } from '../errors.js';
import { mediaFiles, VIDEO_CLASS } from './media-files.js';

export interface StreamUrlMaker {
  streamUrl(baseUrl: string, infoHash: string, fileIndex: number): string;
}

/** Longest segment kept, in UTF-16 units: leaves room under the usual 255-byte limit. */
const MAX_SEGMENT = 120;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** One path segment safe on Linux, macOS and Windows shares; `fallback` when nothing is left. */
export function sanitizeSegment(name: string, fallback: string): string {
  let s = name
    .normalize('NFC')
    .replace(/[\u0000-\u001F\u007F-\u009F]/g, '')
    .replace(/[<>:"/\\|?*]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (s.length > MAX_SEGMENT) s = s.slice(0, MAX_SEGMENT).replace(/[\s.]+$/g, '');
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`;
  return s === '' ? fallback : s;
}

/** `<torrent>/<sub/dirs>/<file without extension>.strm`, relative, every segment sanitised. */
export function strmRelativePath(torrentName: string, titleInTorrent: string, infoHash: string, index: number): string {
  const parts = titleInTorrent.split(/[/\\]+/).filter((p) => p !== '' && p !== '.' && p !== '..');
  const file = parts.pop() ?? `file-${index}`;
  const stem = file.includes('.') ? file.slice(0, file.lastIndexOf('.')) : file;
  const segments = [
    sanitizeSegment(torrentName, infoHash.toLowerCase()),
    ...parts.map((p, i) => sanitizeSegment(p, `dir-${i}`)),
    `${sanitizeSegment(stem, `file-${index}`)}.strm`,
  ];
  return segments.join('/');
}

/** Resolves `relative` under `dir`, refusing anything that would land outside it. */
export function insideDir(dir: string, relative: string): string {
  const root = path.resolve(dir);
  const target = path.resolve(root, relative);
  if (target !== root && target.startsWith(root + path.sep)) return target;
  throw new TorrentLiveError('E_UNSAFE_PATH', `the .strm path ${JSON.stringify(relative)} would fall outside ${root}; refused`);
}

/**
 * Writes one .strm per video file of every torrent (atomically: temp file, then rename, so a
 * library scan never reads half a URL) and returns the absolute paths written.
 */
export async function exportStrm(catalog: Pick<Catalog, 'list'>, auth: StreamUrlMaker, baseUrl: string, dir: string): Promise<string[]> {
  const written: string[] = [];
  const seen = new Set<string>();
  for (const t of catalog.list(baseUrl)) {
    for (const f of mediaFiles(t, VIDEO_CLASS)) {
      let relative = strmRelativePath(t.name, f.title, t.infoHash, f.index);
      // Two files whose names sanitise alike must not overwrite each other.
      if (seen.has(relative.toLowerCase())) relative = relative.replace(/\.strm$/, ` (${f.index}).strm`);
      seen.add(relative.toLowerCase());
      const target = insideDir(dir, relative);
      const url = auth.streamUrl(baseUrl, t.infoHash, f.index);
      try {
        await fs.mkdir(path.dirname(target), { recursive: true });
        const temporary = `${target}.${process.pid}.tmp`;
        // Default mode: the media server usually runs as its own user and must read it.
        await fs.writeFile(temporary, `${url}\n`);
        await fs.rename(temporary, target);
      } catch (err) {
        throw new TorrentLiveError('E_STORE', `cannot write ${target}: ${(err as Error).message}`, { cause: err });
      }
      written.push(target);
    }
  }
  return written;
}
