/**
 * XML text helpers shared by DIDL-Lite, SOAP and the device descriptions. File names come from
 * torrents, i.e. from strangers: everything that reaches XML goes through `escapeXml`.
 */

/**
 * Characters XML 1.0 cannot carry at all, even escaped: C0 controls other than tab/LF/CR, the
 * non-characters U+FFFE/U+FFFF and lone surrogates. A name holding them would make the whole
 * document unparseable, so they are dropped rather than escaped.
 */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripInvalidXmlChars(text: string): string {
  return text.replace(NOT_XML_CHAR, '');
}

/** Escapes text for element content and attribute values alike (so `]]>` and quotes are inert). */
export function escapeXml(text: string): string {
  return stripInvalidXmlChars(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Decodes the five predefined entities and numeric character references, nothing else: the SOAP
 * parser runs with entity processing off (no DTD expansion), so this is the only decoding done.
 * An unknown `&name;` stays as written.
 */
export function decodeXmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#')) {
      const code = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
      return stripInvalidXmlChars(String.fromCodePoint(code));
    }
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[ref]!;
  });
}
