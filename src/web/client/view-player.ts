/**
 * Plays a file in the page itself. The page first asks the server's playback decision
 * (POST /api/playback) with what this browser decodes: the original when it plays it, else a
 * conversion of only what it cannot play (an MKV whose sound is AC-3 or DTS gets its audio
 * converted instead of playing silently). A conversion gets the page's own seek bar (seek-bar.ts):
 * the file's real length, and a seek restarts the conversion at `&t=`. When the answer cannot be had, or the browser fails on
 * what it was given, it retries once through the server's conversion (`?transcode=mp4`) before
 * giving up with a message.
 */
import { browserCanPlay, measureAbilities } from './abilities.js';
import { api, streamRefusal } from './api-client.js';
import { announce, byId, h } from './dom.js';
import { FedTrack } from './subtitle-track.js';
import { conversionNote, fileTime, playbackFromApi, withStart, type PlaybackSubtitleView, type PlaybackView } from './playback.js';
import { SeekBar } from './seek-bar.js';
import type { FileView, TorrentView } from './torrent-state.js';

export function streamPath(infoHash: string, fileIndex: number, transcode?: 'mp4'): string {
  return `/stream/${encodeURIComponent(infoHash)}/${fileIndex}${transcode ? `?transcode=${transcode}` : ''}`;
}

interface Current {
  infoHash: string;
  fileIndex: number;
  /** Set once the page fell back to (or was told to use) a conversion. */
  transcoding: boolean;
  plan: PlaybackView | undefined;
  /** Where the conversion playing now starts (`&t=`), in file time. */
  offset: number;
}

export class Player {
  readonly #section = byId('player-section', HTMLElement);
  readonly #video = byId('player', HTMLVideoElement);
  readonly #name = byId('player-name', HTMLParagraphElement);
  readonly #message = byId('player-message', HTMLParagraphElement);
  #current: Current | undefined;
  /** Bumped on every play/close, so a late answer for an older choice is dropped. */
  #generation = 0;
  #tracks: FedTrack[] = [];
  readonly #seekBar = new SeekBar(this.#video, (seconds) => this.#restartAt(seconds));
  readonly #subtitleChoice = byId('player-subtitles', HTMLSelectElement);

  constructor() {
    this.#subtitleChoice.addEventListener('change', () => this.#onSubtitleChoice());
    byId('player-close', HTMLButtonElement).addEventListener('click', () => this.close());
    this.#video.addEventListener('error', () => this.#onError());
    this.#video.textTracks.addEventListener('change', () => this.#onTrackChange());
    this.#video.addEventListener('seeking', () => {
      for (const t of this.#tracks) t.seeked(this.#video.currentTime);
    });
    this.#video.addEventListener('timeupdate', () => {
      if (this.#current && this.#seekBar.visible) this.#seekBar.update(fileTime(this.#video.currentTime, this.#current.offset));
    });
    this.#video.addEventListener('playing', () => {
      if (!this.#current?.transcoding) announce(this.#message, '');
    });
  }

  async play(torrent: TorrentView, file: FileView): Promise<void> {
    const generation = ++this.#generation;
    this.#section.hidden = false;
    this.#name.textContent = file.name === torrent.name ? file.name : `${torrent.name} · ${file.name}`;
    announce(this.#message, 'Checking what this browser can play…', 'info');
    this.#section.scrollIntoView({ block: 'start' });
    let plan: PlaybackView | undefined;
    try {
      const abilities = measureAbilities(browserCanPlay(this.#video));
      plan = playbackFromApi(await api.post('/api/playback', { infoHash: torrent.infoHash, fileIndex: file.index, abilities }));
    } catch {
      // An older server, or no answer: the original, with the retry below as the safety net.
      plan = undefined;
    }
    if (generation !== this.#generation) return;
    const converting = plan !== undefined && plan.mode !== 'original';
    this.#current = { infoHash: torrent.infoHash, fileIndex: file.index, transcoding: converting, plan, offset: 0 };
    announce(this.#message, plan ? conversionNote(plan) : '', 'info');
    this.#setTracks(plan?.subtitles ?? []);
    // A conversion seeks by restarting at t: the page's bar, with the real length, replaces the
    // browser's (which would show a length growing with the buffer and seek nowhere).
    const ownBarLength = plan?.seek === 'restart' ? plan.durationSeconds : undefined;
    this.#video.controls = ownBarLength === undefined;
    if (ownBarLength !== undefined) this.#seekBar.show(ownBarLength);
    else this.#seekBar.hide();
    this.#load(plan?.url ?? streamPath(torrent.infoHash, file.index));
  }

  close(): void {
    this.#generation++;
    this.#current = undefined;
    this.#video.pause();
    this.#video.removeAttribute('src');
    this.#setTracks([]);
    this.#seekBar.hide();
    this.#video.controls = true;
    this.#video.load();
    announce(this.#message, '');
    this.#section.hidden = true;
  }

  /**
   * The file's subtitles as <track>s the page feeds (subtitle-track.ts says why), the first shown
   * as a TV shows the first. Cues are in file time, the clock a conversion keeps, so they line up
   * after a restart at `t` too.
   */
  #setTracks(subtitles: readonly PlaybackSubtitleView[]): void {
    for (const t of this.#tracks) t.stop();
    this.#tracks = subtitles.map((s, i) => new FedTrack(this.#video, s, i === 0));
    this.#tracks[0]?.feed();
    // The page's own choice of track: the browser's captions menu is gone with its controls
    // when a conversion uses the page's seek bar.
    this.#subtitleChoice.replaceChildren(h('option', { value: '-1' }, 'Off'), ...subtitles.map((s, i) => h('option', { value: i, selected: i === 0 }, s.language === 'und' ? s.label : `${s.label} (${s.language})`)));
    byId('player-subs', HTMLDivElement).hidden = subtitles.length === 0;
  }

  /** The viewer picked a subtitle (or Off) in the page's menu. */
  #onSubtitleChoice(): void {
    const chosen = Number(this.#subtitleChoice.value);
    this.#tracks.forEach((t, i) => {
      t.track.mode = i === chosen ? 'showing' : 'disabled';
    });
  }

  /** The viewer turned a track on (the browser's captions menu): read it from where playback is. */
  #onTrackChange(): void {
    for (const t of this.#tracks) if (t.track.mode !== 'disabled' && !t.started) t.feed(this.#video.currentTime);
    this.#subtitleChoice.value = String(this.#tracks.findIndex((t) => t.track.mode === 'showing'));
  }

  /** A seek in a conversion: the same conversion again from `seconds`, the subtitles read there too. */
  #restartAt(seconds: number): void {
    const current = this.#current;
    if (!current?.plan) return;
    current.offset = seconds;
    this.#seekBar.update(seconds);
    this.#load(withStart(current.plan.url, seconds));
    for (const t of this.#tracks) t.seeked(seconds);
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
      // The fallback conversion's length is not known here: the browser's own controls it is.
      this.#seekBar.hide();
      this.#video.controls = true;
      announce(this.#message, 'This browser cannot play the file as it is; converting it on the server…', 'info');
      this.#load(streamPath(current.infoHash, current.fileIndex, 'mp4'));
      return;
    }
    // The element does not say why; the server does (a conversion past its capacity, no ffmpeg).
    const src = this.#video.getAttribute('src')!;
    const generation = this.#generation;
    announce(this.#message, 'The conversion did not play; asking the server why…', 'info');
    void streamRefusal(src).then((refusal) => {
      if (generation !== this.#generation) return;
      announce(this.#message, refusal ? `The server cannot convert this file now: ${refusal.message}` : 'This file cannot be played in the browser, even converted (is ffmpeg installed on the server?). Cast it to a TV instead.', 'error');
    });
  }
}
