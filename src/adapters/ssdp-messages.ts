/**
 * What the media server announces over SSDP and which searches it answers, pure. The messages
 * themselves (search check, answers, NOTIFYs, the amplification bound) are casting's SSDP
 * primitives, shared with the renderer search.
 */
import type { SsdpAdvertisement } from '@torrent-live/casting';
import { CONNECTION_MANAGER_TYPE, CONTENT_DIRECTORY_TYPE, MEDIA_SERVER_TYPE } from './upnp-descriptions.js';

/** Everything this server announces: root device, its UDN, its device type and both services. */
export function advertisements(udn: string): SsdpAdvertisement[] {
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
export function matchSearch(st: string, udn: string): SsdpAdvertisement[] {
  const all = advertisements(udn);
  if (st === 'ssdp:all') return all.slice(0, 1);
  return all.filter((a) => a.type === st);
}
