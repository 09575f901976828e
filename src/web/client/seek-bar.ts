/**
 * The page's own controls for a conversion. A converted stream has no byte ranges and grows as
 * ffmpeg writes it, so the browser's own bar shows a length that grows with the buffer (4 s, 8 s,
 * 16 s...) and cannot seek. This bar shows the file's real length (from the probe, as
 * X-Content-Duration says) and a seek asks the server for the conversion again from there
 * (`&t=`), which the player does through `onSeek`.
 */
import { byId } from './dom.js';
import { formatClock } from './format.js';

export class SeekBar {
  readonly #root = byId('player-controls', HTMLDivElement);
  readonly #range = byId('player-seek', HTMLInputElement);
  readonly #time = byId('player-time', HTMLOutputElement);
  readonly #toggle = byId('player-toggle', HTMLButtonElement);
  #duration = 0;
  /** While a finger is on the bar, playback does not move it. */
  #dragging = false;

  constructor(video: HTMLVideoElement, onSeek: (seconds: number) => void) {
    this.#range.addEventListener('input', () => {
      this.#dragging = true;
      this.#show(Number(this.#range.value));
    });
    this.#range.addEventListener('change', () => {
      this.#dragging = false;
      onSeek(Number(this.#range.value));
    });
    this.#toggle.addEventListener('click', () => {
      if (video.paused) void video.play().catch(() => undefined);
      else video.pause();
    });
    const label = (): void => {
      const word = video.paused ? 'Play' : 'Pause';
      this.#toggle.textContent = word;
      this.#toggle.setAttribute('aria-label', word);
    };
    video.addEventListener('play', label);
    video.addEventListener('pause', label);
  }

  get visible(): boolean {
    return !this.#root.hidden;
  }

  show(durationSeconds: number): void {
    this.#duration = durationSeconds;
    this.#range.max = String(durationSeconds);
    this.#range.value = '0';
    this.#dragging = false;
    this.#show(0);
    this.#root.hidden = false;
  }

  hide(): void {
    this.#root.hidden = true;
  }

  /** Playback moved: the bar follows, unless the viewer is dragging it. */
  update(positionSeconds: number): void {
    if (this.#dragging || this.#root.hidden) return;
    const at = Math.min(this.#duration, Math.max(0, positionSeconds));
    this.#range.value = String(at);
    this.#show(at);
  }

  #show(seconds: number): void {
    this.#time.value = `${formatClock(seconds)} / ${formatClock(this.#duration)}`;
  }
}
