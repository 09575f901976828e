/**
 * Which of a torrent's files a search names, and one page of them. Shared by the server
 * (GET /api/torrents/:infoHash/files) and the page (a torrent whose files it already holds), so
 * both find the same files for the same words. Pure; linear in the files, whatever the query.
 */

/** Longest search the API accepts: the match costs the query's length per character of names. */
export const MAX_FILE_QUERY_LENGTH = 200;

/** The words of a search, lower-cased; empty when it asks for nothing (every file matches). */
export function searchWords(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter((w) => w.length > 0);
}

/** Every word appears in the name, in any order and case ("s02 e05" finds "Show/S02/E05.mkv"). */
export function nameMatches(name: string, words: readonly string[]): boolean {
  return words.length === 0 || lowerNameMatches(name.toLowerCase(), words);
}

function lowerNameMatches(lower: string, words: readonly string[]): boolean {
  return words.every((w) => lower.includes(w));
}

export interface FilePage<T> {
  /** Files matching the search (all of them without one). */
  matched: number;
  offset: number;
  items: T[];
}

/**
 * The page `offset..offset+limit` of the files whose names match. Only the page's items are
 * kept; the rest are counted. `lowerNames` (the names lower-cased, in the same order) spares a
 * caller that searches the same files again lower-casing 50,000 names each time.
 */
export function pageOfFiles<T extends { name: string }>(files: readonly T[], query: string, offset: number, limit: number, lowerNames?: readonly string[]): FilePage<T> {
  const words = searchWords(query);
  if (words.length === 0) return { matched: files.length, offset, items: files.slice(offset, offset + limit) };
  const items: T[] = [];
  let matched = 0;
  files.forEach((file, i) => {
    if (!lowerNameMatches(lowerNames?.[i] ?? file.name.toLowerCase(), words)) return;
    if (matched >= offset && items.length < limit) items.push(file);
    matched++;
  });
  return { matched, offset, items };
}

/** Each file's name lower-cased, kept as long as the list itself (a torrent's files never change). */
export function lowerNamesOf(files: readonly { name: string }[], cache: WeakMap<object, readonly string[]>): readonly string[] {
  let names = cache.get(files);
  if (!names) cache.set(files, (names = files.map((f) => f.name.toLowerCase())));
  return names;
}
