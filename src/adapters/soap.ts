/**
 * SOAP for UPnP control: parse one action request (bounded, no DTD, no entity expansion) and
 * write responses and UPnP faults. Pure: the HTTP route hands the body text in.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { escapeXml, unescapeXml } from '../../casting/src/index.js';

/** A Browse request is a few hundred bytes; anything past this is not a control point talking. */
export const MAX_SOAP_BYTES = 16 * 1024;

export interface SoapAction {
  /** e.g. `urn:schemas-upnp-org:service:ContentDirectory:1` (from the action element's namespace). */
  serviceType: string;
  action: string;
  args: Record<string, string>;
}

/** Why a request could not be read as a SOAP action; the route answers 400 (or 413 for size). */
export class SoapParseError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 = 400,
  ) {
    super(message);
    this.name = 'SoapParseError';
  }
}

const parser = new XMLParser({
  // The whole point: no DTD, no entity expansion (billion laughs, external entities).
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

export function parseSoapAction(body: string, soapActionHeader?: string): SoapAction {
  if (Buffer.byteLength(body, 'utf8') > MAX_SOAP_BYTES) throw new SoapParseError(`the SOAP body is larger than ${MAX_SOAP_BYTES} bytes`, 413);
  // Markup declarations have no place in SOAP (SOAP 1.1 §3 forbids a DTD); refusing them
  // outright means no parser option can be relied on to defuse them.
  if (/<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i.test(body)) throw new SoapParseError('the SOAP body carries a DOCTYPE or ENTITY declaration; refused');
  // Refused before any parser runs: deep nesting costs recursion (2,000 nested tags overflowed
  // the stack), and these names would land on an object's prototype chain.
  const depth = maxNestingDepth(body);
  if (depth > MAX_SOAP_DEPTH) throw new SoapParseError(`the SOAP body nests ${depth} elements deep; at most ${MAX_SOAP_DEPTH} are accepted`);
  if (/<\/?\s*(?:[\w.-]+:)?(?:__proto__|constructor|prototype)[\s/>]/.test(body)) throw new SoapParseError('the SOAP body uses an element name reserved by JavaScript objects; refused');
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new SoapParseError(`the SOAP body is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const doc = parser.parse(body) as Record<string, unknown>;
  const envelope = childByLocalName(doc, 'Envelope');
  const soapBody = envelope && childByLocalName(envelope, 'Body');
  if (!soapBody) throw new SoapParseError('no SOAP Envelope/Body in the request');
  const actionEntry = Object.entries(soapBody).find(([k, v]) => !k.startsWith('@') && typeof v === 'object' && v !== null);
  const emptyAction = Object.entries(soapBody).find(([k]) => !k.startsWith('@') && k !== '#text');
  const [qname, element] = actionEntry ?? emptyAction ?? [];
  if (!qname) throw new SoapParseError('the SOAP Body names no action');
  const fields: Record<string, unknown> = typeof element === 'object' && element !== null ? (element as Record<string, unknown>) : {};
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
      const text = (value as Record<string, unknown>)['#text'];
      args[localName(key)] = typeof text === 'string' ? unescapeXml(text) : '';
    } else if (typeof value === 'string' || typeof value === 'number') {
      args[localName(key)] = unescapeXml(String(value));
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

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="utf-8"?>\n<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>';
const ENVELOPE_CLOSE = '</s:Body></s:Envelope>';

/** The `<u:ActionResponse>` envelope; values are escaped (a DIDL-Lite Result is escaped once more). */
export function soapResponse(serviceType: string, action: string, values: ReadonlyArray<readonly [string, string | number]>): string {
  const out = values.map(([name, value]) => `<${name}>${escapeXml(String(value))}</${name}>`).join('');
  return `${ENVELOPE_OPEN}<u:${action}Response xmlns:u="${escapeXml(serviceType)}">${out}</u:${action}Response>${ENVELOPE_CLOSE}`;
}

/** UPnP error codes this server answers with (UDA 1.0 §3.2.2, ContentDirectory:1 §2.6). */
export const UPNP_ERRORS = {
  INVALID_ACTION: 401,
  INVALID_ARGS: 402,
  ACTION_FAILED: 501,
  OPTIONAL_ACTION_NOT_IMPLEMENTED: 602,
  NO_SUCH_OBJECT: 701,
  INVALID_CONNECTION_REFERENCE: 706,
} as const;

export class UpnpError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'UpnpError';
  }
}

/** A UPnP fault: sent with HTTP 500, as UDA requires. */
export function soapFault(code: number, description: string): string {
  return (
    `${ENVELOPE_OPEN}<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>` +
    `<UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>${code}</errorCode><errorDescription>${escapeXml(description)}</errorDescription></UPnPError>` +
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

/** SOAP for UPnP actions is four or five levels deep; anything much deeper is not a control point. */
export const MAX_SOAP_DEPTH = 32;

/** How deep elements nest, counted on the raw text in one pass (no parser, no recursion). */
export function maxNestingDepth(xml: string): number {
  let depth = 0;
  let max = 0;
  const tag = /<(\/?)([^\s>/!?]*)[^>]*?(\/?)>/g;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    if (m[2] === '' && m[1] === '') continue;
    if (m[1] === '/') depth--;
    else if (m[3] !== '/') max = Math.max(max, ++depth);
  }
  return max;
}
