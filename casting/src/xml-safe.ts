/**
 * XML from devices on the LAN is untrusted: it is size-bounded, any DOCTYPE/ENTITY is refused
 * outright (no XML bombs, no external entities), and entities are never expanded.
 */
import { XMLParser } from 'fast-xml-parser';

export const DEFAULT_XML_MAX_BYTES = 256 * 1024;

export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

export class XmlRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlRejected';
  }
}

const parser = new XMLParser({
  processEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Parses `text` or throws XmlRejected saying why (too large, DOCTYPE/ENTITY, malformed). */
export function parseXmlSafe(text: string, maxBytes = DEFAULT_XML_MAX_BYTES): XmlNode {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw new XmlRejected(`XML larger than ${maxBytes} bytes`);
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw new XmlRejected('XML with a DOCTYPE or ENTITY declaration is refused');
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch (err) {
    throw new XmlRejected(`malformed XML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Object.keys(parsed).length === 0) throw new XmlRejected('malformed XML: no root element');
  return parsed as XmlNode;
}

/** The child `name` of a node, the first one if repeated. */
export function child(node: XmlValue | undefined, name: string): XmlValue | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  if (Array.isArray(node)) return child(node[0], name);
  const value = node[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Every child `name` of a node, as a list. */
export function children(node: XmlValue | undefined, name: string): XmlValue[] {
  if (node === undefined || typeof node === 'string' || Array.isArray(node)) return [];
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The text of a node: a string, or the `#text` of an element with attributes. */
export function text(node: XmlValue | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return text(node[0]);
  const t = node['#text'];
  return typeof t === 'string' ? t : Object.keys(node).every((k) => k.startsWith('@')) ? '' : undefined;
}

export function textAt(node: XmlValue | undefined, ...path: string[]): string | undefined {
  let cur = node;
  for (const name of path) cur = child(cur, name);
  return text(cur);
}

/**
 * Characters XML 1.0 cannot carry at all, even escaped: C0 controls other than tab/LF/CR, the
 * non-characters U+FFFE/U+FFFF and lone surrogates. Text holding them (a torrent's file name, a
 * device's answer) would make the whole document unparseable, so they are dropped.
 */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripInvalidXmlChars(value: string): string {
  return value.replace(NOT_XML_CHAR, '');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML content and attribute values alike (so `]]>` and quotes are inert). */
export function escapeXml(value: string): string {
  return stripInvalidXmlChars(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * Undoes the five predefined entities and numeric references, nothing else: parsing runs with
 * entity processing off (no DTD expansion), so this is the only decoding done. References to
 * characters XML cannot carry decode to nothing; an unknown `&name;` stays as written.
 */
export function unescapeXml(value: string): string {
  return value.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/gi, (_m, e: string) => {
    const lower = e.toLowerCase();
    if (lower.startsWith('#x')) return safeCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return safeCodePoint(parseInt(lower.slice(1), 10));
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[lower] ?? '';
  });
}

function safeCodePoint(n: number): string {
  return Number.isFinite(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? stripInvalidXmlChars(String.fromCodePoint(n)) : '';
}
