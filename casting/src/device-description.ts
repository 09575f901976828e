/** A UPnP MediaRenderer's description.xml: name, UDN, and the control URLs we drive. */
import { children, child, parseXmlSafe, textAt, unescapeXml, type XmlValue } from './xml-safe.js';
import { SERVICE_AV_TRANSPORT, SERVICE_CONNECTION_MANAGER, SERVICE_RENDERING_CONTROL } from './soap.js';
import { sameHost } from './ssdp-location.js';
import { CastError } from './types.js';

export interface RendererDescription {
  udn: string;
  friendlyName: string;
  modelName?: string;
  deviceType: string;
  controlUrls: { avTransport?: string; renderingControl?: string; connectionManager?: string };
}

/** Throws CastError E_BAD_DESCRIPTION (or XmlRejected) with the reason when the description is unusable. */
export function parseDeviceDescription(xml: string, location: URL, answeringAddress: string, maxBytes?: number): RendererDescription {
  const doc = parseXmlSafe(xml, maxBytes === undefined ? {} : { maxBytes });
  const root = child(doc, 'root');
  const rootDevice = child(root, 'device');
  if (rootDevice === undefined) throw new CastError('E_BAD_DESCRIPTION', 'device description has no root/device');
  const base = baseUrl(textAt(root, 'URLBase'), location, answeringAddress);
  // The renderer may be an embedded device (e.g. inside a media server box); take the first with AVTransport.
  const device = findRenderer(rootDevice) ?? rootDevice;
  const udn = clean(textAt(device, 'UDN'));
  if (!udn || !/^uuid:[^\s<>]{1,128}$/i.test(udn)) throw new CastError('E_BAD_DESCRIPTION', `device description has no valid UDN (${udn ?? 'missing'})`);
  const friendlyName = clean(textAt(device, 'friendlyName'))?.slice(0, 200) || udn;
  const controlUrls: RendererDescription['controlUrls'] = {};
  for (const service of children(child(device, 'serviceList'), 'service')) {
    const type = clean(textAt(service, 'serviceType')) ?? '';
    const control = clean(textAt(service, 'controlURL'));
    if (!control) continue;
    let resolved: URL;
    try {
      resolved = new URL(control, base);
    } catch {
      continue;
    }
    // A control URL on another host would make us POST to a third party: dropped.
    if (!sameHost(resolved, answeringAddress)) continue;
    if (type.startsWith(SERVICE_AV_TRANSPORT.slice(0, -1))) controlUrls.avTransport ??= resolved.href;
    else if (type.startsWith(SERVICE_RENDERING_CONTROL.slice(0, -1))) controlUrls.renderingControl ??= resolved.href;
    else if (type.startsWith(SERVICE_CONNECTION_MANAGER.slice(0, -1))) controlUrls.connectionManager ??= resolved.href;
  }
  if (!controlUrls.avTransport) throw new CastError('E_BAD_DESCRIPTION', 'device description has no AVTransport control URL on the answering host');
  const modelName = clean(textAt(device, 'modelName'))?.slice(0, 200);
  return { udn, friendlyName, deviceType: clean(textAt(device, 'deviceType')) ?? '', controlUrls, ...(modelName ? { modelName } : {}) };
}

function clean(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return unescapeXml(value).replace(/[\u0000-\u001f\u007f]/g, '').trim();
}

function baseUrl(urlBase: string | undefined, location: URL, answeringAddress: string): URL {
  const cleaned = clean(urlBase);
  if (cleaned) {
    try {
      const candidate = new URL(cleaned);
      if (sameHost(candidate, answeringAddress)) return candidate;
    } catch {
      // a broken URLBase falls back to LOCATION
    }
  }
  return location;
}

function findRenderer(device: XmlValue, depth = 0): XmlValue | undefined {
  if (depth > 4) return undefined;
  const hasAvTransport = children(child(device, 'serviceList'), 'service').some((s) => (textAt(s, 'serviceType') ?? '').includes(':AVTransport:'));
  if (hasAvTransport) return device;
  for (const sub of children(child(device, 'deviceList'), 'device')) {
    const found = findRenderer(sub, depth + 1);
    if (found) return found;
  }
  return undefined;
}
