/**
 * Which subtitles go with a video, for every screen alike (web player, TVs, DLNA, add-ons): the
 * file's own text tracks (from the probe; WebVTT through `?format=vtt&track=N` on the video's
 * URL) and the .srt/.vtt files beside it (`?format=vtt` on theirs). Pure: each screen makes its
 * URL from `fileIndex` and `query` with its own base and token.
 */
import type { ProbeResult } from '../transcode/probe.js';
import { buildSubtitleIndex, subtitleIndexOf, subtitlesFromIndex, type SubtitleFile } from './subtitle-index.js';

export { SUBTITLE_EXTENSIONS, type SubtitleFile } from './subtitle-index.js';

/**
 * Subtitles for a video: .srt/.vtt files in the same folder whose name starts with the video's
 * (`Movie.srt`, `Movie.en.srt`, `Movie.English.vtt`), or every subtitle in the folder when the
 * folder holds a single video (torrents often name them `Subs/English.srt` style).
 */
export function findSubtitles(files: ReadonlyArray<{ index: number; name: string }>, videoIndex: number): SubtitleFile[] {
  return subtitlesFromIndex(buildSubtitleIndex(files), videoIndex, Infinity);
}

export interface SubtitleOffer {
  source: 'embedded' | 'file';
  /** The torrent file whose URL carries the track: the video itself, or the subtitle file. */
  fileIndex: number;
  /** The query that makes WebVTT of it (after the URL's own `?st=`, joined with `&`). */
  query: string;
  /** BCP 47 where it is known ("en"), else what the file says, else "und". */
  language: string;
  label: string;
}

/** Most offers per video: a file may list dozens of tracks, a menu wants a handful. */
export const MAX_SUBTITLE_OFFERS = 16;

/** ISO 639-2 codes as Matroska stores them → the two-letter tags Chromecast and <track> expect. */
const TWO_LETTER: Readonly<Record<string, string>> = {
  eng: 'en', fre: 'fr', fra: 'fr', ger: 'de', deu: 'de', spa: 'es', ita: 'it', por: 'pt', dut: 'nl', nld: 'nl',
  rus: 'ru', jpn: 'ja', chi: 'zh', zho: 'zh', kor: 'ko', swe: 'sv', nor: 'no', dan: 'da', fin: 'fi', pol: 'pl',
  tur: 'tr', ara: 'ar', heb: 'he', hin: 'hi', gre: 'el', ell: 'el', cze: 'cs', ces: 'cs', hun: 'hu', rum: 'ro',
  ron: 'ro', ukr: 'uk', vie: 'vi', tha: 'th', ind: 'id', may: 'ms', msa: 'ms', bul: 'bg', hrv: 'hr', srp: 'sr',
  slo: 'sk', slk: 'sk', slv: 'sl', cat: 'ca', est: 'et', lav: 'lv', lit: 'lt', ice: 'is', isl: 'is', per: 'fa', fas: 'fa',
};

export function languageTag(code: string | undefined): string {
  const c = (code ?? '').trim().toLowerCase();
  if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/.test(c) || c === 'und') return 'und';
  return TWO_LETTER[c] ?? c;
}

/** The ISO 639-2 code for a tag (what Stremio names languages by); "und" when unknown. */
export function iso639Part2(tag: string): string {
  if (/^[a-z]{3}$/.test(tag)) return tag;
  return Object.keys(TWO_LETTER).find((k) => TWO_LETTER[k] === tag) ?? 'und';
}

export function subtitleOffers(files: ReadonlyArray<{ index: number; name: string }>, videoIndex: number, probe: Pick<ProbeResult, 'subtitleTracks'> | undefined): SubtitleOffer[] {
  const text = (probe?.subtitleTracks ?? []).filter((t) => t.text);
  // The track the file marks as default (or forced) first: it is the one a player would show.
  const ordered = [...text.filter((t) => t.default || t.forced), ...text.filter((t) => !t.default && !t.forced)];
  const embedded = ordered.map((t): SubtitleOffer => ({
    source: 'embedded',
    fileIndex: videoIndex,
    query: `format=vtt&track=${t.index}`,
    language: languageTag(t.language),
    label: t.title ?? (t.language && t.language !== 'und' ? t.language : `Track ${t.index + 1}`),
  }));
  // The list's index, built once: DLNA and the add-on ask this for every video of a page.
  const beside = subtitlesFromIndex(subtitleIndexOf(files), videoIndex, MAX_SUBTITLE_OFFERS).map((s): SubtitleOffer => ({ source: 'file', fileIndex: s.index, query: 'format=vtt', language: languageTag(s.language), label: s.label }));
  return [...embedded, ...beside].slice(0, MAX_SUBTITLE_OFFERS);
}
