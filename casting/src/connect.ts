import { connectChromecast } from './chromecast-target.js';
import { connectDlna } from './dlna-target.js';
import type { CastTarget, DeviceInfo } from './types.js';

export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** A target for `device`; a device that never answers rejects within `timeoutMs` (E_DEVICE_TIMEOUT), never hangs. */
export function connect(device: DeviceInfo, opts: { timeoutMs?: number } = {}): Promise<CastTarget> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return device.kind === 'chromecast' ? connectChromecast(device, timeoutMs) : connectDlna(device, timeoutMs);
}
