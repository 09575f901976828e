/**
 * One subtitle of the playing file as a <track> the page feeds itself, cue by cue, from the
 * server's streaming WebVTT (`?format=vtt[&track=N][&t=S]`).
 *
 * Why not `<track src>`: a file's own subtitles are extracted while the torrent downloads, so the
 * response ends only when the whole file has been read, and Chromium holds playback until every
 * shown track has loaded (readyState stays at HAVE_CURRENT_DATA for the whole download). A
 * <track> without `src` is never pending (it fails to load at once, harmlessly), its TextTrack
 * takes cues from script, and it leaves with its element. So the page reads the response with
 * fetch and adds each cue as it arrives: a viewer sees the cues up to where the download is.
 */
import { h } from './dom.js';
import { VttCueReader, type Cue } from './vtt-cues.js';

export interface SubtitleSource {
  url: string;
  language: string;
  label: string;
}

/** Fetches from S again when the viewer jumps this far past the last cue received. */
const RESTART_GAP_SECONDS = 30;

export class FedTrack {
  readonly element: HTMLTrackElement;
  readonly #source: SubtitleSource;
  readonly #seen = new Set<string>();
  #abort: AbortController | undefined;
  /** What each read so far covers, in file time: [from, last cue start seen] (to the end when it finished). */
  #covered: Array<{ from: number; to: number }> = [];

  constructor(video: HTMLVideoElement, source: SubtitleSource, shown: boolean) {
    this.#source = source;
    this.element = h('track', { kind: 'subtitles', srclang: source.language, label: source.label, 'data-src': source.url });
    video.append(this.element);
    this.element.track.mode = shown ? 'showing' : 'disabled';
  }

  get track(): TextTrack {
    return this.element.track;
  }

  /** Whether any read was started (a track the viewer never turned on is not read). */
  get started(): boolean {
    return this.#covered.length > 0;
  }

  /** Reads the cues from `fromSeconds` on (0: the whole file), replacing any read in progress. */
  feed(fromSeconds = 0): void {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    const from = Math.max(0, Math.floor(fromSeconds));
    const span = { from, to: from };
    this.#covered.push(span);
    const url = from > 0 ? `${this.#source.url}&t=${from}` : this.#source.url;
    void this.#read(url, abort.signal, span).catch(() => undefined);
  }

  /**
   * After a seek: nothing to do where a read has been, or where the running one gets soon;
   * anywhere else, read from there (the cues already added stay).
   */
  seeked(toSeconds: number): void {
    if (this.track.mode === 'disabled') return;
    const current = this.#covered.at(-1);
    const reached = this.#covered.some((w) => toSeconds >= w.from && toSeconds <= w.to);
    const soon = this.#abort !== undefined && current !== undefined && toSeconds >= current.from && toSeconds <= current.to + RESTART_GAP_SECONDS;
    if (!reached && !soon) this.feed(toSeconds);
  }

  stop(): void {
    this.#abort?.abort();
    this.#abort = undefined;
    this.element.remove();
  }

  async #read(url: string, signal: AbortSignal, span: { from: number; to: number }): Promise<void> {
    const res = await fetch(url, { signal, credentials: 'same-origin' });
    if (!res.ok || !res.body) return;
    const reader = new VttCueReader();
    const decoder = new TextDecoder();
    const body = res.body.getReader();
    for (;;) {
      const { done, value } = await body.read();
      if (done) break;
      this.#add(reader.push(decoder.decode(value, { stream: true })), span);
    }
    this.#add(reader.end(), span);
    if (!signal.aborted) {
      span.to = Infinity;
      this.#abort = undefined;
    }
  }

  #add(cues: readonly Cue[], span: { from: number; to: number }): void {
    for (const cue of cues) {
      span.to = Math.max(span.to, cue.start);
      // A read restarted at S repeats the cues around S: each cue is added once.
      const key = `${cue.start}|${cue.text}`;
      if (this.#seen.has(key)) continue;
      this.#seen.add(key);
      this.track.addCue(new VTTCue(cue.start, cue.end, cue.text));
    }
  }
}
