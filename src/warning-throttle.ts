/**
 * Warnings rate-limited per kind: the first of a kind goes out at once; more of the same kind
 * within the window are only counted, and when the window ends one line says how many there
 * were ("… and 4,312 more like it in the last 10 s"). A flood (junk datagrams at the DHT port,
 * hundreds of thousands a minute) therefore costs one line per kind per window on the terminal
 * and on every SSE client, instead of one per datagram. Pure: the caller passes the clock.
 */

export interface WarningSummary {
  kind: string;
  /** How many were held back in the window that ended. */
  suppressed: number;
  windowMs: number;
  /** The last message held back, as an example. */
  last: string;
  code: string | undefined;
}

interface KindState {
  windowEnd: number;
  suppressed: number;
  last: string;
  code: string | undefined;
}

export class WarningThrottle {
  readonly windowMs: number;
  readonly #kinds = new Map<string, KindState>();

  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }

  /** True: emit this warning now. False: it is counted into its kind's next summary. */
  admit(kind: string, message: string, code: string | undefined, now: number): boolean {
    const state = this.#kinds.get(kind);
    if (!state || (now >= state.windowEnd && state.suppressed === 0)) {
      this.#kinds.set(kind, { windowEnd: now + this.windowMs, suppressed: 0, last: message, code });
      return true;
    }
    state.suppressed++;
    state.last = message;
    state.code = code;
    return false;
  }

  /**
   * The summaries of windows that ended with warnings held back. Each summary opens a new window
   * for its kind (the summary is that window's one line), so a flood that goes on yields one
   * line per window; a kind whose window ended quietly is forgotten.
   */
  flush(now: number): WarningSummary[] {
    const out: WarningSummary[] = [];
    for (const [kind, state] of this.#kinds) {
      if (now < state.windowEnd) continue;
      if (state.suppressed === 0) {
        this.#kinds.delete(kind);
        continue;
      }
      out.push({ kind, suppressed: state.suppressed, windowMs: this.windowMs, last: state.last, code: state.code });
      state.suppressed = 0;
      state.windowEnd = now + this.windowMs;
    }
    return out;
  }

  /** When the next summary is due (undefined: nothing held back). */
  nextDue(): number | undefined {
    let due: number | undefined;
    for (const state of this.#kinds.values()) if (state.suppressed > 0 && (due === undefined || state.windowEnd < due)) due = state.windowEnd;
    return due;
  }
}

/** "… and 4,312 more like it in the last 10 s: <the latest of them>". */
export function summaryMessage(summary: WarningSummary): string {
  const span = summary.windowMs >= 1_000 ? `${Math.round(summary.windowMs / 1_000)} s` : `${summary.windowMs} ms`;
  return `… and ${summary.suppressed.toLocaleString('en-US')} more like it in the last ${span}: ${summary.last}`;
}
