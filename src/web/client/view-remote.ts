/**
 * The TV remote: big play/pause and stop, a seek bar and a volume slider. It shows what the TV
 * reports (polled from /api/devices/:id/status), not what was last pressed, so a TV paused with
 * its own remote shows as paused here too.
 */
import { api, ApiError } from './api-client.js';
import { announce, byId } from './dom.js';
import { remoteView, statusFromApi, type Device, type DeviceStatus } from './device-status.js';

export const STATUS_POLL_MS = 1000;

export class RemoteControl {
  readonly #now = byId('remote-now', HTMLParagraphElement);
  readonly #toggle = byId('remote-playpause', HTMLButtonElement);
  readonly #toggleIcon = byId('remote-playpause-icon', HTMLSpanElement);
  readonly #stop = byId('remote-stop', HTMLButtonElement);
  readonly #seek = byId('remote-seek', HTMLInputElement);
  readonly #position = byId('remote-position', HTMLOutputElement);
  readonly #volume = byId('remote-volume', HTMLInputElement);
  readonly #volumeText = byId('remote-volume-text', HTMLOutputElement);
  readonly #message = byId('remote-message', HTMLParagraphElement);
  #device: Device | undefined;
  #status: DeviceStatus | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** While a finger is on a slider, polling must not yank it back. */
  #dragging: 'seek' | 'volume' | undefined;

  constructor() {
    this.#toggle.addEventListener('click', () => {
      const view = remoteView(this.#device?.name ?? '', this.#status);
      void this.#command(view.toggle);
    });
    this.#stop.addEventListener('click', () => void this.#command('stop'));
    this.#seek.addEventListener('input', () => {
      this.#dragging = 'seek';
      this.#position.textContent = `${this.#seek.value} s`;
    });
    this.#seek.addEventListener('change', () => {
      this.#dragging = undefined;
      void this.#command('seek', { seconds: Number(this.#seek.value) });
    });
    this.#volume.addEventListener('input', () => {
      this.#dragging = 'volume';
      this.#volumeText.textContent = `${this.#volume.value}%`;
    });
    this.#volume.addEventListener('change', () => {
      this.#dragging = undefined;
      void this.#command('volume', { level: Number(this.#volume.value) / 100 });
    });
  }

  get device(): Device | undefined {
    return this.#device;
  }

  setDevice(device: Device | undefined): void {
    this.#device = device;
    this.#status = undefined;
    this.#render();
    this.#schedule(0);
  }

  /** Polls now (after a cast started, say) instead of at the next tick. */
  refresh(): void {
    this.#schedule(0);
  }

  #schedule(delayMs: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#device) return;
    this.#timer = setTimeout(() => void this.#poll(), delayMs);
  }

  async #poll(): Promise<void> {
    const device = this.#device;
    if (!device) return;
    try {
      const status = statusFromApi(await api.get(`/api/devices/${encodeURIComponent(device.id)}/status`));
      if (device === this.#device) {
        this.#status = status;
        this.#render();
      }
    } catch (err) {
      if (device === this.#device) {
        this.#status = undefined;
        this.#render();
        this.#now.textContent = `${device.name}: ${err instanceof ApiError ? err.message : String(err)}`;
      }
    }
    // Poll only while this page is visible: a phone in a pocket should not keep the TV busy.
    this.#schedule(document.hidden ? STATUS_POLL_MS * 5 : STATUS_POLL_MS);
  }

  async #command(action: 'play' | 'pause' | 'stop' | 'seek' | 'volume', body: Record<string, number> = {}): Promise<void> {
    const device = this.#device;
    if (!device) return;
    announce(this.#message, '');
    try {
      await api.post(`/api/devices/${encodeURIComponent(device.id)}/${action}`, body);
    } catch (err) {
      announce(this.#message, err instanceof ApiError ? err.message : String(err), 'error');
    }
    this.#schedule(0);
  }

  #render(): void {
    const device = this.#device;
    if (!device) {
      this.#now.textContent = 'Pick a TV to control it.';
      for (const control of [this.#toggle, this.#stop, this.#seek, this.#volume]) control.disabled = true;
      return;
    }
    const view = remoteView(device.name, this.#status);
    this.#now.textContent = view.summary;
    this.#toggle.disabled = this.#status === undefined;
    this.#toggle.setAttribute('aria-label', view.toggleLabel);
    this.#toggle.dataset['action'] = view.toggle;
    this.#toggleIcon.textContent = view.toggleIcon;
    this.#stop.disabled = !view.canStop;
    this.#seek.disabled = !view.canSeek;
    this.#volume.disabled = this.#status === undefined;
    if (this.#dragging !== 'seek') {
      this.#seek.max = String(view.seekMax);
      this.#seek.value = String(view.seekValue);
      this.#seek.setAttribute('aria-valuetext', view.position);
      this.#position.textContent = view.position;
    }
    if (this.#dragging !== 'volume' && view.volumePercent !== undefined) {
      this.#volume.value = String(view.volumePercent);
      this.#volumeText.textContent = `${view.volumePercent}%`;
    }
  }
}
