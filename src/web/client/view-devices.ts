/** The TV list: one radio button per device; the choice is remembered on this phone. */
import { api, ApiError } from './api-client.js';
import { announce, byId, h } from './dom.js';
import { devicesFromApi, type Device } from './device-status.js';

const STORAGE_KEY = 'torrent-live.device';

export class DevicePicker {
  readonly #list = byId('device-list', HTMLUListElement);
  readonly #empty = byId('devices-empty', HTMLParagraphElement);
  readonly #refresh = byId('devices-refresh', HTMLButtonElement);
  readonly #message = byId('remote-message', HTMLParagraphElement);
  readonly #onSelect: (device: Device) => void;
  #devices: Device[] = [];
  #selectedId: string | undefined;

  constructor(onSelect: (device: Device) => void) {
    this.#onSelect = onSelect;
    this.#selectedId = localStorage.getItem(STORAGE_KEY) ?? undefined;
    this.#refresh.addEventListener('click', () => void this.load());
  }

  get selected(): Device | undefined {
    return this.#devices.find((d) => d.id === this.#selectedId);
  }

  async load(): Promise<void> {
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
    }
  }

  #render(): void {
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
    if (selected) this.#onSelect(selected);
  }
}
