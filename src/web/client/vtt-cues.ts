/**
 * Cues out of a WebVTT response as it streams in. The server's normaliser
 * (src/transcode/webvtt.ts) writes one clean `hh:mm:ss.mmm --> hh:mm:ss.mmm [settings]` line and
 * the text per cue, blocks ended by a blank line, so this only has to split and read them. Pure.
 */

export interface Cue {
  start: number;
  end: number;
  text: string;
}

/** The longest unfinished block kept while waiting for its blank line. */
const MAX_PENDING_CHARS = 64 * 1024;

function seconds(stamp: string): number | undefined {
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2})\.(\d{3})$/.exec(stamp.trim());
  return m ? Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000 : undefined;
}

export function parseBlock(block: string): Cue | undefined {
  const lines = block.split('\n');
  const at = lines.findIndex((l) => l.includes('-->'));
  if (at < 0 || at > 1) return undefined;
  const [left = '', right = ''] = lines[at]!.split('-->', 2);
  const start = seconds(left);
  const end = seconds(right.trim().split(/\s+/)[0] ?? '');
  const text = lines.slice(at + 1).join('\n').trim();
  return start !== undefined && end !== undefined && end > start && text ? { start, end, text } : undefined;
}

export class VttCueReader {
  #pending = '';

  push(chunk: string): Cue[] {
    this.#pending += chunk.replace(/\r\n?/g, '\n');
    const out: Cue[] = [];
    let from = 0;
    for (let cut = this.#pending.indexOf('\n\n'); cut >= 0; cut = this.#pending.indexOf('\n\n', from)) {
      const cue = parseBlock(this.#pending.slice(from, cut));
      if (cue) out.push(cue);
      from = cut + 2;
    }
    this.#pending = this.#pending.slice(from);
    if (this.#pending.length > MAX_PENDING_CHARS) this.#pending = '';
    return out;
  }

  end(): Cue[] {
    const cue = parseBlock(this.#pending);
    this.#pending = '';
    return cue ? [cue] : [];
  }
}
