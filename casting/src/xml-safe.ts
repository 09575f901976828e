/**
 * XML from the LAN is untrusted, whichever side reads it (a renderer's description or SOAP answer,
 * a control point's SOAP request). One policy, checked on the raw text before any parser runs:
 * bounded size; no markup declaration (DOCTYPE, ENTITY, ELEMENT, ATTLIST, NOTATION: no XML bombs,
 * no external entities, no parser option to trust); bounded nesting (deep nesting costs recursion:
 * 2,000 nested tags overflowed the stack); no element named like an Object.prototype member
 * (it would land on the prototype chain of the parsed object). Entities are never expanded.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export const DEFAULT_XML_MAX_BYTES = 256 * 1024;
/** UPnP documents nest a dozen levels at most (an embedded device's service list). */
export const DEFAULT_XML_MAX_DEPTH = 32;

export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

export type XmlRejectedReason = 'too-large' | 'declaration' | 'too-deep' | 'reserved-name' | 'malformed';

export class XmlRejected extends Error {
  readonly reason: XmlRejectedReason;
  constructor(reason: XmlRejectedReason, message: string) {
    super(message);
    this.name = 'XmlRejected';
    this.reason = reason;
  }
}

export interface XmlParseOptions {
  maxBytes?: number;
  maxDepth?: number;
  /**
   * Keep namespace prefixes in element names (`s:Envelope`) and the `xmlns:*` attributes: a SOAP
   * server needs the action element's namespace. Default: prefixes stripped (`Envelope`).
   */
  keepPrefixes?: boolean;
}

const parserOptions = {
  // The whole point: no DTD, no entity expansion.
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
} as const;
const stripping = new XMLParser({ ...parserOptions, removeNSPrefix: true });
const keeping = new XMLParser({ ...parserOptions, removeNSPrefix: false });

const DECLARATION = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
const RESERVED_ELEMENT = /<\/?\s*(?:[\w.-]+:)?(?:__proto__|constructor|prototype)[\s/>]/;

/** Throws XmlRejected when `text` breaks the policy above; parses nothing. */
export function checkXmlPolicy(text: string, opts: Omit<XmlParseOptions, 'keepPrefixes'> = {}): void {
  const maxBytes = opts.maxBytes ?? DEFAULT_XML_MAX_BYTES;
  const maxDepth = opts.maxDepth ?? DEFAULT_XML_MAX_DEPTH;
  // Characters first (cheap, and a byte count needs no more than length * 3).
  if (text.length > maxBytes || Buffer.byteLength(text, 'utf8') > maxBytes) throw new XmlRejected('too-large', `XML larger than ${maxBytes} bytes`);
  const declaration = DECLARATION.exec(text);
  if (declaration) throw new XmlRejected('declaration', `XML with a markup declaration (<!${declaration[1]!.toUpperCase()}) is refused: no DOCTYPE or ENTITY, so no entity expansion`);
  const depth = maxNestingDepth(text);
  if (depth > maxDepth) throw new XmlRejected('too-deep', `XML nests ${depth} elements deep; at most ${maxDepth} are accepted`);
  const reserved = RESERVED_ELEMENT.exec(text);
  if (reserved) throw new XmlRejected('reserved-name', `XML uses an element name reserved by JavaScript objects (${reserved[0].replace(/[<>/\s]/g, '')}); refused`);
}

/** Parses `text` under the one policy, or throws XmlRejected saying why. */
export function parseXmlSafe(text: string, opts: XmlParseOptions = {}): XmlNode {
  checkXmlPolicy(text, opts);
  const valid = XMLValidator.validate(text);
  // The validator quotes the input (a tag name may be the whole document): at most 200 characters go on.
  if (valid !== true) throw new XmlRejected('malformed', `malformed XML: ${valid.err.msg.slice(0, 200)} (line ${valid.err.line})`);
  let parsed: unknown;
  try {
    parsed = (opts.keepPrefixes ? keeping : stripping).parse(text);
  } catch (err) {
    throw new XmlRejected('malformed', `malformed XML: ${(err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)).slice(0, 200)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Object.keys(parsed).length === 0) throw new XmlRejected('malformed', 'malformed XML: no root element');
  return parsed as XmlNode;
}

/**
 * How deep elements nest, counted on the raw text in one forward pass (no parser, no recursion,
 * no backtracking regex: a lazy `<[^>]*?>` rescans to the end for every unclosed `<`, and 16 KB
 * of `<a` then takes minutes). Comments, CDATA, processing instructions and declarations are
 * skipped whole; quoted attribute values may hold `>`. Stops at the first unterminated markup
 * (the text is malformed and the validator refuses it).
 */
export function maxNestingDepth(xml: string): number {
  let depth = 0;
  let max = 0;
  let i = xml.indexOf('<');
  while (i !== -1) {
    let end: number;
    if (xml.startsWith('<!--', i)) end = endOf(xml, '-->', i + 4);
    else if (xml.startsWith('<![CDATA[', i)) end = endOf(xml, ']]>', i + 9);
    else if (xml.startsWith('<?', i)) end = endOf(xml, '?>', i + 2);
    else if (xml.startsWith('<!', i)) end = tagEnd(xml, i + 2);
    else {
      end = tagEnd(xml, i + 1);
      if (end === -1) break;
      if (xml[i + 1] === '/') depth--;
      else if (xml[end - 2] !== '/') max = Math.max(max, ++depth);
    }
    if (end === -1) break;
    i = xml.indexOf('<', end);
  }
  return max;
}

/** The index just past `terminator` at or after `from`, or -1. */
function endOf(xml: string, terminator: string, from: number): number {
  const at = xml.indexOf(terminator, from);
  return at === -1 ? -1 : at + terminator.length;
}

/** The index just past the `>` closing a tag that starts before `from`, skipping quoted values; -1 if none. */
function tagEnd(xml: string, from: number): number {
  let quote: string | undefined;
  for (let j = from; j < xml.length; j++) {
    const c = xml[j];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j + 1;
  }
  return -1;
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
