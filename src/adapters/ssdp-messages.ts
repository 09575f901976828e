/**
 * SSDP (UPnP discovery) messages for the media server, pure: decide what answers an M-SEARCH,
 * and write responses and NOTIFYs (parsing is casting/'s, shared with the renderer search).
 */
import { SSDP_ADDRESS, SSDP_PORT, type SsdpMessage } from '../../casting/src/index.js';
import { CONNECTION_MANAGER_TYPE, CONTENT_DIRECTORY_TYPE, MEDIA_SERVER_TYPE } from './upnp-descriptions.js';

export interface Advertisement {
  /** NT in a NOTIFY, ST in a search response. */
  type: string;
  usn: string;
}

/** Everything this server announces: root device, its UDN, its device type and both services. */
export function advertisements(udn: string): Advertisement[] {
  return [
    { type: 'upnp:rootdevice', usn: `${udn}::upnp:rootdevice` },
    { type: udn, usn: udn },
    ...[MEDIA_SERVER_TYPE, CONTENT_DIRECTORY_TYPE, CONNECTION_MANAGER_TYPE].map((type) => ({ type, usn: `${udn}::${type}` })),
  ];
}

/**
 * Which advertisements answer a search target (ST); empty when the search is not for us.
 * `ssdp:all` gets the root device only: a control point reads the rest from the description, and
 * five answers to one small datagram would make the server an amplifier for forged sources.
 */
export function matchSearch(st: string, udn: string): Advertisement[] {
  const all = advertisements(udn);
  if (st === 'ssdp:all') return all.slice(0, 1);
  return all.filter((a) => a.type === st);
}

/** Answers may carry at most this many times the bytes of the search that asked for them. */
export const MAX_SSDP_AMPLIFICATION = 3;

/** A valid M-SEARCH: discover by multicast (MAN), an ST, and MX in seconds (capped at 5, as UDA says). */
export function searchRequest(msg: SsdpMessage): { st: string; mxSeconds: number } | undefined {
  if (msg.method !== 'M-SEARCH' || msg.headers['man']?.replace(/"/g, '') !== 'ssdp:discover') return undefined;
  // UDA requires HOST; a search without it is not from a real control point.
  if (!msg.headers['host']) return undefined;
  const st = msg.headers['st'];
  if (!st) return undefined;
  const mx = Number(msg.headers['mx'] ?? '1');
  return { st, mxSeconds: Number.isFinite(mx) ? Math.min(Math.max(mx, 0), 5) : 1 };
}

export interface ServerIdentity {
  location: string;
  server: string;
  maxAgeSeconds: number;
}

export function searchResponse(ad: Advertisement, id: ServerIdentity, date: Date): string {
  return (
    'HTTP/1.1 200 OK\r\n' +
    `CACHE-CONTROL: max-age=${id.maxAgeSeconds}\r\n` +
    `DATE: ${date.toUTCString()}\r\n` +
    'EXT:\r\n' +
    `LOCATION: ${id.location}\r\n` +
    `SERVER: ${id.server}\r\n` +
    `ST: ${ad.type}\r\n` +
    `USN: ${ad.usn}\r\n\r\n`
  );
}

export function notify(ad: Advertisement, id: ServerIdentity, kind: 'ssdp:alive' | 'ssdp:byebye'): string {
  const alive = kind === 'ssdp:alive' ? `CACHE-CONTROL: max-age=${id.maxAgeSeconds}\r\nLOCATION: ${id.location}\r\nSERVER: ${id.server}\r\n` : '';
  return `NOTIFY * HTTP/1.1\r\nHOST: ${SSDP_ADDRESS}:${SSDP_PORT}\r\n${alive}NT: ${ad.type}\r\nNTS: ${kind}\r\nUSN: ${ad.usn}\r\n\r\n`;
}
