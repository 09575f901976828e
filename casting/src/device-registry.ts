/** The live device list: sightings refresh a device, silence past `expireAfterMs` removes it. */
import type { DeviceInfo } from './types.js';

export class DeviceRegistry {
  private readonly byId = new Map<string, DeviceInfo>();
  private readonly listeners = new Set<(devices: DeviceInfo[]) => void>();

  constructor(private readonly expireAfterMs: number, private readonly now: () => number) {}

  list(): DeviceInfo[] {
    return [...this.byId.values()].map((d) => ({ ...d })).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  get(id: string): DeviceInfo | undefined {
    return this.byId.get(id);
  }

  /** Exact id first, then a case-insensitive name, then an id suffix (e.g. the bare UDN). */
  find(idOrName: string): DeviceInfo | undefined {
    const exact = this.byId.get(idOrName);
    if (exact) return { ...exact };
    const lower = idOrName.toLowerCase();
    const all = [...this.byId.values()];
    const found = all.find((d) => d.name.toLowerCase() === lower) ?? all.find((d) => d.id.toLowerCase().endsWith(`:${lower}`));
    return found ? { ...found } : undefined;
  }

  /** Records a sighting; returns true when the list visibly changed. */
  seen(device: Omit<DeviceInfo, 'lastSeenMs'>): boolean {
    const previous = this.byId.get(device.id);
    const next: DeviceInfo = { ...previous, ...device, lastSeenMs: this.now() };
    this.byId.set(device.id, next);
    const changed = !previous || previous.name !== next.name || previous.address !== next.address || previous.port !== next.port;
    if (changed) this.emit();
    return changed;
  }

  /** Refreshes a known device without new data (e.g. a repeated SSDP answer). */
  touch(id: string): void {
    const d = this.byId.get(id);
    if (d) d.lastSeenMs = this.now();
  }

  remove(id: string): void {
    if (this.byId.delete(id)) this.emit();
  }

  /** Drops devices not seen for `expireAfterMs`; returns their ids. */
  expire(): string[] {
    const cutoff = this.now() - this.expireAfterMs;
    const gone = [...this.byId.values()].filter((d) => d.lastSeenMs < cutoff).map((d) => d.id);
    for (const id of gone) this.byId.delete(id);
    if (gone.length) this.emit();
    return gone;
  }

  onChange(listener: (devices: DeviceInfo[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    const snapshot = this.list();
    for (const l of this.listeners) l(snapshot);
  }
}
