/**
 * `http://host:port` for URLs we hand to others (.strm files, cast URLs, printed addresses): an
 * IPv6 address must be bracketed there, or the port reads as part of the address and the URL
 * does not parse. Pure.
 */
import { isIPv6 } from 'node:net';

/** The host as a URL writes it: IPv6 bracketed (a zone's `%` escaped as `%25`, RFC 6874), names and IPv4 as they are. */
export function urlHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const unescaped = bare.replace(/%25/g, '%');
  if (!isIPv6(unescaped)) return bare;
  return `[${unescaped.replace(/%/g, '%25')}]`;
}

export function httpBase(host: string, port: number): string {
  return `http://${urlHost(host)}:${port}`;
}
