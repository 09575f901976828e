/** Drives a UPnP MediaRenderer: AVTransport (load, play, pause, stop, seek, position) and RenderingControl (volume). */
import { buildDidlLite } from './didl.js';
import { boundedRequest } from './http-fetch.js';
import { buildSoapRequest, parseSoapResponse, SERVICE_AV_TRANSPORT, SERVICE_RENDERING_CONTROL } from './soap.js';
import { formatHms, parseHms, transportStateToCastState } from './status-map.js';
import { CastError, type CastStatus, type CastTarget, type DeviceInfo } from './types.js';

const SOAP_MAX_BYTES = 128 * 1024;

export async function connectDlna(device: DeviceInfo, timeoutMs: number): Promise<CastTarget> {
  const avTransport = device.controlUrls?.avTransport;
  if (!avTransport) throw new CastError('E_BAD_DESCRIPTION', `${device.name}: no AVTransport control URL known; rediscover the device`);
  const renderingControl = device.controlUrls?.renderingControl;
  let closed = false;

  async function soap(url: string, service: string, action: string, args: ReadonlyArray<readonly [string, string | number]>): Promise<Record<string, string>> {
    if (closed) throw new CastError('E_DEVICE_UNREACHABLE', `${device.name}: this connection was closed`);
    const { body, headers } = buildSoapRequest(service, action, args);
    const res = await boundedRequest({ url, method: 'POST', headers, body, timeoutMs, maxBytes: SOAP_MAX_BYTES });
    let parsed;
    try {
      parsed = parseSoapResponse(res.body, action, SOAP_MAX_BYTES);
    } catch (err) {
      throw new CastError('E_DEVICE_REFUSED', `${device.name}: ${action} answered unreadable XML (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!parsed.ok) throw new CastError('E_DEVICE_REFUSED', `${device.name} refused ${action}: UPnP error ${parsed.faultCode} ${parsed.faultMessage} (HTTP ${res.status})`);
    if (res.status !== 200) throw new CastError('E_DEVICE_REFUSED', `${device.name}: ${action} answered HTTP ${res.status}`);
    return parsed.values;
  }

  const av = (action: string, args: ReadonlyArray<readonly [string, string | number]> = []): Promise<Record<string, string>> =>
    soap(avTransport, SERVICE_AV_TRANSPORT, action, [['InstanceID', 0], ...args]);

  const rc = (action: string, args: ReadonlyArray<readonly [string, string | number]>): Promise<Record<string, string>> => {
    if (!renderingControl) throw new CastError('E_DEVICE_REFUSED', `${device.name} has no RenderingControl service: volume cannot be changed`);
    return soap(renderingControl, SERVICE_RENDERING_CONTROL, action, [['InstanceID', 0], ...args]);
  };

  // Proves the renderer answers before a target is handed out.
  await av('GetTransportInfo');

  return {
    device,
    async load(media) {
      await av('SetAVTransportURI', [['CurrentURI', media.url], ['CurrentURIMetaData', buildDidlLite(media)]]);
      await av('Play', [['Speed', '1']]);
    },
    async play() {
      await av('Play', [['Speed', '1']]);
    },
    async pause() {
      await av('Pause');
    },
    async stop() {
      await av('Stop');
    },
    async seek(seconds) {
      if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`seek position must be a number of seconds >= 0, got ${seconds}`);
      await av('Seek', [['Unit', 'REL_TIME'], ['Target', formatHms(seconds)]]);
    },
    async setVolume(level) {
      if (!Number.isFinite(level) || level < 0 || level > 1) throw new RangeError(`volume must be between 0 and 1, got ${level}`);
      await rc('SetVolume', [['Channel', 'Master'], ['DesiredVolume', Math.round(level * 100)]]);
    },
    async status(): Promise<CastStatus> {
      const transport = await av('GetTransportInfo');
      const position = await av('GetPositionInfo');
      let volume = 1;
      if (renderingControl) {
        const v = Number((await rc('GetVolume', [['Channel', 'Master']])).CurrentVolume);
        if (Number.isFinite(v)) volume = Math.min(1, Math.max(0, v / 100));
      }
      const state = transportStateToCastState(transport.CurrentTransportState);
      const result: CastStatus = { state, positionSeconds: parseHms(position.RelTime), durationSeconds: parseHms(position.TrackDuration), volume };
      if (state === 'error' || transport.CurrentTransportStatus === 'ERROR_OCCURRED') {
        result.error = `renderer reported ${transport.CurrentTransportState ?? 'no state'} / ${transport.CurrentTransportStatus ?? 'no status'}`;
      }
      return result;
    },
    async close() {
      closed = true;
    },
  };
}
