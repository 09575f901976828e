/**
 * SOAP 1.1 as UPnP uses it, both ways: a control point builds requests and reads answers and
 * faults (the renderer side here); a device reads requests and writes answers and faults (the
 * media server in the service). One action per envelope, string arguments, UPnPError faults.
 */
import { escapeXml, parseXmlSafe, child, children, text, unescapeXml, XmlRejected, type XmlNode, type XmlValue } from './xml-safe.js';

export const SERVICE_AV_TRANSPORT = 'urn:schemas-upnp-org:service:AVTransport:1';
export const SERVICE_RENDERING_CONTROL = 'urn:schemas-upnp-org:service:RenderingControl:1';
export const SERVICE_CONNECTION_MANAGER = 'urn:schemas-upnp-org:service:ConnectionManager:1';
export const SERVICE_CONTENT_DIRECTORY = 'urn:schemas-upnp-org:service:ContentDirectory:1';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="utf-8"?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>';
const ENVELOPE_CLOSE = '</s:Body></s:Envelope>';

export type SoapArgs = ReadonlyArray<readonly [string, string | number]>;

function argumentsXml(args: SoapArgs): string {
  return args
    .map(([name, value]) => {
      if (!NAME.test(name)) throw new Error(`bad SOAP argument name: ${name}`);
      return `<${name}>${escapeXml(String(value))}</${name}>`;
    })
    .join('');
}

// ---- control point side ----------------------------------------------------------------------

export interface SoapRequest { body: string; headers: Record<string, string> }

/** The envelope and headers for `action` of `serviceType`; argument order is kept (UPnP requires it). */
export function buildSoapRequest(serviceType: string, action: string, args: SoapArgs): SoapRequest {
  if (!NAME.test(action)) throw new Error(`bad SOAP action name: ${action}`);
  const body = `${ENVELOPE_OPEN}<u:${action} xmlns:u="${escapeXml(serviceType)}">${argumentsXml(args)}</u:${action}>${ENVELOPE_CLOSE}`;
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
  const doc = parseXmlSafe(xml, maxBytes === undefined ? {} : { maxBytes });
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

// ---- device side -----------------------------------------------------------------------------

/** A control request is a few hundred bytes; anything past this is not a control point talking. */
export const MAX_SOAP_BYTES = 16 * 1024;
/** SOAP for UPnP actions is four or five levels deep; anything much deeper is not a control point. */
export const MAX_SOAP_DEPTH = 32;

export interface SoapAction {
  /** e.g. `urn:schemas-upnp-org:service:ContentDirectory:1` (from the action element's namespace). */
  serviceType: string;
  action: string;
  args: Record<string, string>;
}

/** Why a request could not be read as a SOAP action; a device answers 400 (or 413 for size). */
export class SoapParseError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 = 400,
  ) {
    super(message);
    this.name = 'SoapParseError';
  }
}

/** Reads one action request under the XML policy (SOAP 1.1 §3 forbids a DTD anyway). */
export function parseSoapAction(body: string, soapActionHeader?: string): SoapAction {
  let doc: XmlNode;
  try {
    doc = parseXmlSafe(body, { maxBytes: MAX_SOAP_BYTES, maxDepth: MAX_SOAP_DEPTH, keepPrefixes: true });
  } catch (err) {
    if (!(err instanceof XmlRejected)) throw err;
    if (err.reason === 'too-large') throw new SoapParseError(`the SOAP body is larger than ${MAX_SOAP_BYTES} bytes`, 413);
    throw new SoapParseError(`the SOAP body is refused: ${err.message}`);
  }
  const envelope = childByLocalName(doc, 'Envelope');
  const soapBody = envelope && childByLocalName(envelope, 'Body');
  if (!soapBody) throw new SoapParseError('no SOAP Envelope/Body in the request');
  const actionEntry = Object.entries(soapBody).find(([k, v]) => !k.startsWith('@') && typeof v === 'object' && v !== null);
  const emptyAction = Object.entries(soapBody).find(([k]) => !k.startsWith('@') && k !== '#text');
  const [qname, element] = actionEntry ?? emptyAction ?? [];
  if (!qname) throw new SoapParseError('the SOAP Body names no action');
  const fields: Record<string, unknown> = typeof element === 'object' && element !== null && !Array.isArray(element) ? (element as Record<string, unknown>) : {};
  const prefix = qname.includes(':') ? qname.slice(0, qname.indexOf(':')) : '';
  const action = localName(qname);
  const nsAttr = fields[prefix ? `@xmlns:${prefix}` : '@xmlns'];
  let serviceType = typeof nsAttr === 'string' ? nsAttr : '';
  const header = parseSoapActionHeader(soapActionHeader);
  if (header) {
    if (header.action !== action) throw new SoapParseError(`the SOAPACTION header names ${header.action} but the body calls ${action}`);
    serviceType ||= header.serviceType;
  }
  const args: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key.startsWith('@') || key === '#text') continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      // <Filter/> parses as an empty object, or one with only attributes.
      const t = (value as Record<string, unknown>)['#text'];
      args[localName(key)] = typeof t === 'string' ? unescapeXml(t) : '';
    } else if (typeof value === 'string') {
      args[localName(key)] = unescapeXml(value);
    } else {
      throw new SoapParseError(`argument ${localName(key)} is given more than once or is not text`);
    }
  }
  return { serviceType, action, args };
}

/** `"urn:…:ContentDirectory:1#Browse"` → its parts; undefined when absent or malformed. */
export function parseSoapActionHeader(header: string | undefined): { serviceType: string; action: string } | undefined {
  const m = /^\s*"?([^"#]+)#([A-Za-z0-9_]+)"?\s*$/.exec(header ?? '');
  return m ? { serviceType: m[1]!, action: m[2]! } : undefined;
}

/** The `<u:ActionResponse>` envelope; values are escaped (a DIDL-Lite Result is escaped once more). */
export function soapResponse(serviceType: string, action: string, values: SoapArgs): string {
  if (!NAME.test(action)) throw new Error(`bad SOAP action name: ${action}`);
  return `${ENVELOPE_OPEN}<u:${action}Response xmlns:u="${escapeXml(serviceType)}">${argumentsXml(values)}</u:${action}Response>${ENVELOPE_CLOSE}`;
}

/** UPnP error codes (UDA 1.0 §3.2.2, ContentDirectory:1 §2.6). */
export const UPNP_ERRORS = {
  INVALID_ACTION: 401,
  INVALID_ARGS: 402,
  ACTION_FAILED: 501,
  OPTIONAL_ACTION_NOT_IMPLEMENTED: 602,
  NO_SUCH_OBJECT: 701,
  INVALID_CONNECTION_REFERENCE: 706,
} as const;

/** A failed action, as a device reports it: a UPnP error code and a description. */
export class UpnpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'UpnpError';
  }
}

/** A UPnP fault: sent with HTTP 500, as UDA requires. parseSoapResponse reads it back. */
export function soapFault(code: number, description: string): string {
  return (
    `${ENVELOPE_OPEN}<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>` +
    `<UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>${Math.trunc(code)}</errorCode><errorDescription>${escapeXml(description)}</errorDescription></UPnPError>` +
    `</detail></s:Fault>${ENVELOPE_CLOSE}`
  );
}

function localName(qname: string): string {
  const i = qname.indexOf(':');
  return i === -1 ? qname : qname.slice(i + 1);
}

function childByLocalName(node: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  for (const [key, value] of Object.entries(node)) {
    if (localName(key) === name && typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  }
  return undefined;
}
