/**
 * Plays a file in the page itself, from the same /stream URL a TV would get. When the browser
 * cannot decode the file (an MKV with HEVC, say), it retries once through the server's ffmpeg
 * conversion (`?transcode=mp4`) before giving up with a message.
 */
import { announce, byId } from './dom.js';
import type { FileView, TorrentView } from './torrent-state.js';

export function streamPath(infoHash: string, fileIndex: number, transcode?: 'mp4'): string {
  return `/stream/${encodeURIComponent(infoHash)}/${fileIndex}${transcode ? `?transcode=${transcode}` : ''}`;
}

export class Player {
  readonly #section = byId('player-section', HTMLElement);
  readonly #video = byId('player', HTMLVideoElement);
  readonly #name = byId('player-name', HTMLParagraphElement);
  readonly #message = byId('player-message', HTMLParagraphElement);
  #current: { infoHash: string; fileIndex: number; transcoding: boolean } | undefined;

  constructor() {
    byId('player-close', HTMLButtonElement).addEventListener('click', () => this.close());
    this.#video.addEventListener('error', () => this.#onError());
    this.#video.addEventListener('playing', () => {
      if (!this.#current?.transcoding) announce(this.#message, '');
    });
  }

  play(torrent: TorrentView, file: FileView): void {
    this.#section.hidden = false;
    this.#name.textContent = file.name === torrent.name ? file.name : `${torrent.name} · ${file.name}`;
    announce(this.#message, '');
    this.#current = { infoHash: torrent.infoHash, fileIndex: file.index, transcoding: false };
    this.#load(streamPath(torrent.infoHash, file.index));
    this.#section.scrollIntoView({ block: 'start' });
  }

  close(): void {
    this.#current = undefined;
    this.#video.pause();
    this.#video.removeAttribute('src');
    this.#video.load();
    announce(this.#message, '');
    this.#section.hidden = true;
  }

  #load(src: string): void {
    this.#video.src = src;
    // Autoplay may be refused until the user interacts; the controls are there either way.
    this.#video.play().catch(() => undefined);
  }

  #onError(): void {
    const current = this.#current;
    if (!current || !this.#video.getAttribute('src')) return;
    if (!current.transcoding) {
      current.transcoding = true;
      announce(this.#message, 'This browser cannot play the file as it is; converting it on the server…', 'info');
      this.#load(streamPath(current.infoHash, current.fileIndex, 'mp4'));
      return;
    }
    announce(this.#message, 'This file cannot be played in the browser, even converted (is ffmpeg installed on the server?). Cast it to a TV instead.', 'error');
  }
}
