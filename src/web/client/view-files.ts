/**
 * One torrent's files in its card. Up to a page of files are listed as they always were; beyond
 * that the card shows a search box, one page of rows and buttons to turn pages (file-pager.ts),
 * so a 50,000-file torrent costs the phone 50 rows, not 50,000.
 */
import { h } from './dom.js';
import { fileTotal, holdsAllFiles, isPaged, localPage, pageFromApi, pageLabel, pagePath, SEARCH_DELAY_MS, turnPage, withQuery, type PagerState, type ShownPage } from './file-pager.js';
import type { FileView, TorrentView } from './torrent-state.js';
import { MAX_FILE_QUERY_LENGTH } from './file-search.js';

export type FetchJson = (path: string) => Promise<unknown>;

export class FileBrowser {
  readonly root: HTMLDivElement;
  readonly #list: HTMLUListElement;
  readonly #controls: HTMLDivElement;
  readonly #search: HTMLInputElement;
  readonly #label: HTMLParagraphElement;
  readonly #prev: HTMLButtonElement;
  readonly #next: HTMLButtonElement;
  readonly #row: (file: FileView) => HTMLLIElement;
  readonly #fetchJson: FetchJson;
  #torrent: TorrentView | undefined;
  #state: PagerState = { query: '', offset: 0 };
  #page: ShownPage | undefined;
  /** What the rows show; rows are rebuilt only when it changes (a progress event keeps them). */
  #shownKey = '';
  /** Answers to an older request (a search typed over) are dropped. */
  #latest = 0;
  /** The page asked for and not yet answered (not asked twice). */
  #pendingKey = '';
  #typing: ReturnType<typeof setTimeout> | undefined;

  constructor(infoHash: string, row: (file: FileView) => HTMLLIElement, fetchJson: FetchJson) {
    this.#row = row;
    this.#fetchJson = fetchJson;
    const labelId = `files-${infoHash}-status`;
    this.#search = h('input', { type: 'search', class: 'file-search', 'aria-label': 'Search files', placeholder: 'Search files', maxlength: MAX_FILE_QUERY_LENGTH, autocomplete: 'off', 'aria-describedby': labelId });
    this.#label = h('p', { class: 'muted file-status', id: labelId, 'aria-live': 'polite' });
    this.#prev = h('button', { type: 'button' }, 'Previous files');
    this.#next = h('button', { type: 'button' }, 'Next files');
    this.#controls = h('div', { class: 'file-controls' }, this.#search, this.#label);
    this.#list = h('ul', { class: 'files', 'aria-label': 'Files' });
    const pager = h('div', { class: 'row file-pages' }, this.#prev, this.#next);
    this.root = h('div', { class: 'file-browser' }, this.#controls, this.#list, pager);
    this.#search.addEventListener('input', () => {
      clearTimeout(this.#typing);
      this.#typing = setTimeout(() => this.#go(withQuery(this.#state, this.#search.value)), SEARCH_DELAY_MS);
    });
    this.#prev.addEventListener('click', () => this.#go(turnPage(this.#state, -1, this.#page?.matched ?? 0)));
    this.#next.addEventListener('click', () => this.#go(turnPage(this.#state, 1, this.#page?.matched ?? 0)));
  }

  update(torrent: TorrentView): void {
    this.#torrent = torrent;
    const paged = isPaged(torrent);
    this.#controls.hidden = !paged;
    this.#prev.parentElement!.hidden = !paged;
    if (!paged) {
      this.#state = { query: '', offset: 0 };
      this.#render(`all:${torrent.files.map((f) => `${f.index}:${f.name}`).join('|')}`, torrent.files);
      return;
    }
    this.#show();
  }

  #go(state: PagerState): void {
    this.#state = state;
    this.#show();
  }

  #show(): void {
    const torrent = this.#torrent;
    if (!torrent) return;
    const { query, offset } = this.#state;
    if (holdsAllFiles(torrent)) {
      const key = `local:${offset}:${query}:${torrent.files.length}`;
      if (key !== this.#shownKey) this.#showPage(key, localPage(torrent, this.#state));
      return;
    }
    const key = `server:${offset}:${query}:${fileTotal(torrent)}`;
    if (key === this.#shownKey || key === this.#pendingKey) return;
    void this.#request(key, torrent);
  }

  async #request(key: string, torrent: TorrentView): Promise<void> {
    const ticket = ++this.#latest;
    this.#pendingKey = key;
    try {
      const page = pageFromApi(await this.#fetchJson(pagePath(torrent.infoHash, this.#state)));
      if (ticket !== this.#latest) return;
      if (!page) throw new Error('The server’s answer was not a page of files.');
      this.#showPage(key, page);
    } catch (err) {
      if (ticket !== this.#latest) return;
      this.#label.textContent = err instanceof Error ? err.message : String(err);
    } finally {
      if (ticket === this.#latest) this.#pendingKey = '';
    }
  }

  #showPage(key: string, page: ShownPage): void {
    this.#page = page;
    this.#label.textContent = pageLabel(page, fileTotal(this.#torrent!), this.#state.query);
    this.#prev.disabled = page.offset <= 0;
    this.#next.disabled = page.offset + page.files.length >= page.matched;
    this.#render(key, page.files);
  }

  #render(key: string, files: readonly FileView[]): void {
    if (key === this.#shownKey) return;
    this.#shownKey = key;
    this.#list.replaceChildren(...files.map((f) => this.#row(f)));
  }
}
