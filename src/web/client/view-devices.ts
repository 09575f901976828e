/** The TV list: one radio button per device; the choice is remembered on this phone. */
import { api, ApiError } from './api-client.js';
import { announce, byId, h } from './dom.js';
import { devicesFromApi, type Device } from './device-status.js';

const STORAGE_KEY = 'torrent-live.device';
/** TVs come and go (discovery keeps running on the server): re-read the list this often while shown. */
export const DEVICES_POLL_MS = 5000;

export class DevicePicker {
  readonly #list = byId('device-list', HTMLUListElement);
  readonly #empty = byId('devices-empty', HTMLParagraphElement);
  readonly #refresh = byId('devices-refresh', HTMLButtonElement);
  readonly #message = byId('remote-message', HTMLParagraphElement);
  readonly #onSelect: (device: Device) => void;
  #devices: Device[] = [];
  #renderedKey = '';
  #selectedId: string | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #visible = false;

  constructor(onSelect: (device: Device) => void) {
    this.#onSelect = onSelect;
    this.#selectedId = localStorage.getItem(STORAGE_KEY) ?? undefined;
    this.#refresh.addEventListener('click', () => void this.load());
  }

  get selected(): Device | undefined {
    return this.#devices.find((d) => d.id === this.#selectedId);
  }

  /** While the TV panel is shown, the list is kept fresh; hidden, nothing is polled. */
  setVisible(visible: boolean): void {
    this.#visible = visible;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (visible) void this.load();
  }

  async load(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#refresh.disabled = true;
    this.#refresh.textContent = 'Searching…';
    try {
      this.#devices = devicesFromApi(await api.get('/api/devices'));
      this.#render();
    } catch (err) {
      announce(this.#message, err instanceof ApiError ? err.message : String(err), 'error');
    } finally {
      this.#refresh.disabled = false;
      this.#refresh.textContent = 'Search again';
      if (this.#visible) this.#timer = setTimeout(() => void this.load(), DEVICES_POLL_MS);
    }
  }

  #render(): void {
    // Rebuild only when the list changed, so a focused radio button keeps focus between polls.
    const key = JSON.stringify(this.#devices);
    if (key === this.#renderedKey) return;
    const firstRender = this.#renderedKey === '';
    this.#renderedKey = key;
    this.#empty.hidden = this.#devices.length > 0;
    this.#list.replaceChildren(
      ...this.#devices.map((device) => {
        const input = h('input', { type: 'radio', name: 'device', value: device.id, checked: device.id === this.#selectedId });
        input.addEventListener('change', () => {
          if (!input.checked) return;
          this.#selectedId = device.id;
          localStorage.setItem(STORAGE_KEY, device.id);
          this.#onSelect(device);
        });
        const kind = device.kind === 'chromecast' ? 'Chromecast' : device.kind === 'dlna' ? 'DLNA' : device.kind;
        return h('li', { class: 'device' }, h('label', {}, input, h('span', {}, device.name, h('small', {}, `${kind} · ${device.address}`))));
      }),
    );
    const selected = this.selected;
    if (selected && firstRender) this.#onSelect(selected);
  }
}
