/**
 * WebVTT as it leaves ffmpeg, cleaned cue by cue while it streams. Pure and incremental: `push`
 * takes any chunk of text and returns the cues completed by it, so a viewer gets each cue as soon
 * as ffmpeg has written it.
 *
 * Why not pass ffmpeg's text through: subtitles in the wild carry broken timing (an end before
 * the start, a zero length) that players drop silently or choke on, text with "-->" in it (which
 * ends a WebVTT cue early), and files whose one "cue" is megabytes of junk. Each cue here has a
 * valid timing line (a broken end is repaired to start + REPAIR_SECONDS, so the line is shown
 * rather than lost), bounded text, and "-->" only in its timing line.
 */

/** Seconds a cue with a missing or backwards end is shown for. */
export const REPAIR_SECONDS = 2;
/** Longest cue text kept, in characters, and most lines: a subtitle is a line or two. */
export const MAX_CUE_CHARS = 2_000;
export const MAX_CUE_LINES = 20;
/** Text without a blank line longer than this is not a cue; it is dropped to bound memory. */
export const MAX_BLOCK_CHARS = 64 * 1024;

export interface VttCue {
  start: number;
  end: number;
  /** Cue settings after the end time (position, align...), kept when they look like settings. */
  settings: string;
  text: string;
}

const TIMESTAMP = /^(?:(\d{1,5}):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})$/;

/** `[hh:]mm:ss.ttt` (a comma as SubRip writes it is accepted) → seconds, or undefined. */
export function parseVttTimestamp(text: string): number | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const [, h = '0', min, s, frac] = m;
  if (Number(min) > 59 || Number(s) > 59) return undefined;
  return Number(h) * 3600 + Number(min) * 60 + Number(s) + Number(frac!.padEnd(3, '0')) / 1000;
}

/** Seconds → `hh:mm:ss.mmm`, the form every WebVTT reader takes. */
export function formatVttTimestamp(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
}

/** One block (the text between blank lines) as a cue, or undefined when it is not one. */
export function parseCueBlock(block: string): VttCue | undefined {
  const lines = block.split('\n');
  const timingAt = lines.findIndex((l) => l.includes('-->'));
  // A cue may have one identifier line before its timing, no more.
  if (timingAt < 0 || timingAt > 1) return undefined;
  const [left = '', right = ''] = lines[timingAt]!.split('-->', 2);
  const start = parseVttTimestamp(left);
  const [endText = '', ...settingWords] = right.trim().split(/\s+/);
  if (start === undefined) return undefined;
  const parsedEnd = parseVttTimestamp(endText);
  const end = parsedEnd !== undefined && parsedEnd > start ? parsedEnd : start + REPAIR_SECONDS;
  const settings = settingWords.filter((w) => /^(vertical|line|position|size|align|region):[\w.%,-]{1,20}$/.test(w)).join(' ');
  const text = lines
    .slice(timingAt + 1, timingAt + 1 + MAX_CUE_LINES)
    .map((l) => l.replace(/-->/g, '→').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ''))
    .join('\n')
    .trim()
    .slice(0, MAX_CUE_CHARS);
  return text ? { start, end, settings, text } : undefined;
}

export function formatCue(cue: VttCue): string {
  return `${formatVttTimestamp(cue.start)} --> ${formatVttTimestamp(cue.end)}${cue.settings ? ` ${cue.settings}` : ''}\n${cue.text}\n\n`;
}

export class VttNormalizer {
  #pending = '';
  #carry = '';
  #headerSent = false;
  #cues = 0;
  #dropped = 0;

  /** Cues written so far. */
  get cues(): number {
    return this.#cues;
  }

  /** Blocks that were not cues (headers aside) or that had to be thrown away. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Normalised WebVTT for every block `chunk` completes (the header comes with the first call). */
  push(chunk: string): string {
    let out = this.#header();
    // A CR at the end of a chunk may be half of a CRLF split across chunks: hold it back.
    let text = this.#carry + chunk;
    this.#carry = text.endsWith('\r') ? '\r' : '';
    if (this.#carry) text = text.slice(0, -1);
    this.#pending += text.replace(/\r\n?/g, '\n');
    // One pass over the text: each block is cut out once, the rest is kept once (linear however
    // many tiny blocks a chunk holds).
    let from = 0;
    for (let cut = this.#pending.indexOf('\n\n'); cut >= 0; cut = this.#pending.indexOf('\n\n', from)) {
      out += this.#block(this.#pending.slice(from, cut));
      from = cut + 2;
    }
    this.#pending = this.#pending.slice(from);
    if (this.#pending.length > MAX_BLOCK_CHARS) {
      this.#pending = '';
      this.#dropped++;
    }
    return out;
  }

  /** The last block (ffmpeg may end without a blank line). */
  end(): string {
    const out = this.#header() + this.#block(this.#pending);
    this.#pending = '';
    this.#carry = '';
    return out;
  }

  #header(): string {
    if (this.#headerSent) return '';
    this.#headerSent = true;
    return 'WEBVTT\n\n';
  }

  #block(raw: string): string {
    const block = raw.replace(/^\n+/, '');
    if (!block.trim()) return '';
    // ffmpeg's own header, and NOTE/STYLE/REGION blocks: nothing a viewer misses.
    if (/^(WEBVTT|NOTE|STYLE|REGION)\b/.test(block)) return '';
    const cue = parseCueBlock(block);
    if (!cue) {
      this.#dropped++;
      return '';
    }
    this.#cues++;
    return formatCue(cue);
  }
}

/** A whole text through the normaliser (sidecar files, tests). */
export function normalizeVtt(text: string): string {
  const n = new VttNormalizer();
  return n.push(text) + n.end();
}
