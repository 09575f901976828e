/**
 * The torrent list. Each torrent gets its card once; later updates only change text and the
 * progress value, so a button that has keyboard focus keeps it while SSE events stream in.
 */
import { h } from './dom.js';
import { formatBytes, formatPercent, formatSpeed, formatTimeLeft } from './format.js';
import { isPlayable, type FileView, type TorrentView } from './torrent-state.js';
import { FileBrowser, type FetchJson } from './view-files.js';

export interface TorrentListActions {
  play(torrent: TorrentView, file: FileView): void;
  cast(torrent: TorrentView, file: FileView): void;
  remove(torrent: TorrentView): void;
}

interface Card {
  root: HTMLLIElement;
  title: HTMLHeadingElement;
  progress: HTMLProgressElement;
  percent: HTMLElement;
  size: HTMLElement;
  speed: HTMLElement;
  peers: HTMLElement;
  spies: HTMLElement;
  eta: HTMLElement;
  files: FileBrowser;
}

export class TorrentList {
  readonly #list: HTMLUListElement;
  readonly #empty: HTMLElement;
  readonly #actions: TorrentListActions;
  readonly #fetchJson: FetchJson;
  readonly #cards = new Map<string, Card>();
  #current: TorrentView[] = [];

  /** `fetchJson` asks the server for a page of a large torrent's files. */
  constructor(list: HTMLUListElement, empty: HTMLElement, actions: TorrentListActions, fetchJson: FetchJson) {
    this.#list = list;
    this.#empty = empty;
    this.#actions = actions;
    this.#fetchJson = fetchJson;
  }

  update(torrents: readonly TorrentView[]): void {
    this.#current = torrents.slice();
    const seen = new Set<string>();
    for (const torrent of torrents) {
      seen.add(torrent.infoHash);
      let card = this.#cards.get(torrent.infoHash);
      if (!card) {
        card = this.#createCard(torrent.infoHash);
        this.#cards.set(torrent.infoHash, card);
        this.#list.append(card.root);
      }
      this.#fill(card, torrent);
    }
    for (const [infoHash, card] of this.#cards) {
      if (!seen.has(infoHash)) {
        card.root.remove();
        this.#cards.delete(infoHash);
      }
    }
    this.#empty.hidden = torrents.length > 0;
  }

  #find(infoHash: string): TorrentView | undefined {
    return this.#current.find((t) => t.infoHash === infoHash);
  }

  #createCard(infoHash: string): Card {
    const titleId = `torrent-${infoHash}-title`;
    const title = h('h3', { id: titleId });
    const progress = h('progress', { max: 1, value: 0, 'aria-labelledby': titleId });
    const stat = (label: string) => {
      const value = h('b');
      return { value, node: h('span', {}, `${label} `, value) };
    };
    const percent = h('b');
    const size = h('span');
    const speed = stat('↓');
    const peers = stat('peers');
    const spies = stat('spies blocked');
    const eta = h('span');
    const files = new FileBrowser(infoHash, (file) => this.#fileRow(infoHash, file), this.#fetchJson);
    const remove = h('button', { type: 'button', class: 'remove', 'aria-describedby': titleId }, 'Remove');
    remove.addEventListener('click', () => {
      const torrent = this.#find(infoHash);
      if (torrent) this.#actions.remove(torrent);
    });
    const root = h(
      'li',
      { class: 'torrent', 'data-infohash': infoHash },
      title,
      progress,
      h('p', { class: 'stats' }, percent, size, speed.node, peers.node, spies.node, eta),
      files.root,
      remove,
    );
    return { root, title, progress, percent, size, speed: speed.value, peers: peers.value, spies: spies.value, eta, files };
  }

  #fill(card: Card, torrent: TorrentView): void {
    card.title.textContent = torrent.name;
    const ratio = torrent.length > 0 ? Math.min(1, torrent.downloaded / torrent.length) : 0;
    card.progress.value = ratio;
    card.progress.setAttribute('aria-valuetext', formatPercent(torrent.downloaded, torrent.length));
    card.percent.textContent = formatPercent(torrent.downloaded, torrent.length);
    card.size.textContent = torrent.length > 0 ? `${formatBytes(torrent.downloaded)} of ${formatBytes(torrent.length)}` : 'fetching metadata';
    card.speed.textContent = formatSpeed(torrent.speed);
    // Nothing more to fetch once complete: the speed would only ever read 0.
    card.speed.parentElement!.hidden = torrent.done;
    card.peers.textContent = String(torrent.peers);
    card.spies.textContent = String(torrent.spiesBlocked);
    // A paused torrent says why (a full disk resumes by itself once space is freed).
    card.eta.textContent = torrent.paused && !torrent.done ? `paused: ${torrent.paused}` : formatTimeLeft(torrent.timeLeft, torrent.done);
    card.eta.classList.toggle('warning', !!torrent.paused && !torrent.done);
    card.root.dataset['done'] = String(torrent.done);
    card.root.dataset['paused'] = torrent.paused ?? '';
    card.files.update(torrent);
  }

  #fileRow(infoHash: string, file: FileView): HTMLLIElement {
    const nameId = `file-${infoHash}-${file.index}`;
    const row = h('li', { 'data-file-index': file.index }, h('p', { class: 'filename', id: nameId }, file.name, h('span', { class: 'muted' }, ` · ${formatBytes(file.length)}`)));
    if (isPlayable(file)) {
      const play = h('button', { type: 'button', class: 'primary', 'aria-describedby': nameId }, 'Play here');
      const cast = h('button', { type: 'button', 'aria-describedby': nameId }, 'Cast to TV');
      play.addEventListener('click', () => {
        const torrent = this.#find(infoHash);
        if (torrent) this.#actions.play(torrent, file);
      });
      cast.addEventListener('click', () => {
        const torrent = this.#find(infoHash);
        if (torrent) this.#actions.cast(torrent, file);
      });
      row.append(h('div', { class: 'row' }, play, cast));
    }
    return row;
  }
}
