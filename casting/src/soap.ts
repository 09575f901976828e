/** SOAP 1.1 as UPnP uses it: one action per request, string arguments, UPnPError faults. */
import { escapeXml, parseXmlSafe, child, children, text, unescapeXml, type XmlNode, type XmlValue } from './xml-safe.js';

export const SERVICE_AV_TRANSPORT = 'urn:schemas-upnp-org:service:AVTransport:1';
export const SERVICE_RENDERING_CONTROL = 'urn:schemas-upnp-org:service:RenderingControl:1';
export const SERVICE_CONNECTION_MANAGER = 'urn:schemas-upnp-org:service:ConnectionManager:1';

export interface SoapRequest { body: string; headers: Record<string, string> }

/** The envelope and headers for `action` of `serviceType`; argument order is kept (UPnP requires it). */
export function buildSoapRequest(serviceType: string, action: string, args: ReadonlyArray<readonly [string, string | number]>): SoapRequest {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(action)) throw new Error(`bad SOAP action name: ${action}`);
  const argXml = args
    .map(([name, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`bad SOAP argument name: ${name}`);
      return `<${name}>${escapeXml(String(value))}</${name}>`;
    })
    .join('');
  const body =
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">' +
    `<s:Body><u:${action} xmlns:u="${escapeXml(serviceType)}">${argXml}</u:${action}></s:Body></s:Envelope>`;
  return {
    body,
    headers: {
      'Content-Type': 'text/xml; charset="utf-8"',
      SOAPACTION: `"${serviceType}#${action}"`,
    },
  };
}

export type SoapResult = { ok: true; values: Record<string, string> } | { ok: false; faultCode: string; faultMessage: string };

/** Reads an `<actionResponse>` (values unescaped) or a UPnP fault. Throws XmlRejected on hostile XML. */
export function parseSoapResponse(xml: string, action: string, maxBytes?: number): SoapResult {
  const doc = parseXmlSafe(xml, maxBytes);
  const body = child(child(doc, 'Envelope'), 'Body');
  if (body === undefined) return { ok: false, faultCode: 'no-body', faultMessage: 'SOAP answer without Envelope/Body' };
  const fault = child(body, 'Fault');
  if (fault !== undefined) {
    const upnpError = child(child(fault, 'detail'), 'UPnPError');
    const code = text(child(upnpError, 'errorCode')) ?? text(child(fault, 'faultcode')) ?? 'fault';
    const message = text(child(upnpError, 'errorDescription')) ?? text(child(fault, 'faultstring')) ?? 'SOAP fault';
    return { ok: false, faultCode: code, faultMessage: unescapeXml(message) };
  }
  const response = child(body, `${action}Response`);
  if (response === undefined) return { ok: false, faultCode: 'no-response', faultMessage: `SOAP answer without ${action}Response` };
  const values: Record<string, string> = {};
  if (typeof response === 'object' && !Array.isArray(response)) {
    for (const key of Object.keys(response as XmlNode)) {
      if (key.startsWith('@') || key === '#text') continue;
      const first: XmlValue | undefined = children(response, key)[0];
      values[key] = unescapeXml(text(first) ?? '');
    }
  }
  return { ok: true, values };
}
