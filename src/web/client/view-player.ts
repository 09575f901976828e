/** Plays a file in the page itself, from the same /stream URL a TV would get. */
import { byId } from './dom.js';
import type { FileView, TorrentView } from './torrent-state.js';

export function streamPath(infoHash: string, fileIndex: number): string {
  return `/stream/${encodeURIComponent(infoHash)}/${fileIndex}`;
}

export class Player {
  readonly #section = byId('player-section', HTMLElement);
  readonly #video = byId('player', HTMLVideoElement);
  readonly #name = byId('player-name', HTMLParagraphElement);

  constructor() {
    byId('player-close', HTMLButtonElement).addEventListener('click', () => this.close());
  }

  play(torrent: TorrentView, file: FileView): void {
    this.#section.hidden = false;
    this.#name.textContent = file.name === torrent.name ? file.name : `${torrent.name} · ${file.name}`;
    this.#video.src = streamPath(torrent.infoHash, file.index);
    this.#section.scrollIntoView({ block: 'start' });
    // Autoplay may be refused until the user interacts; the controls are there either way.
    this.#video.play().catch(() => undefined);
  }

  close(): void {
    this.#video.pause();
    this.#video.removeAttribute('src');
    this.#video.load();
    this.#section.hidden = true;
  }
}
