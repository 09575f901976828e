/**
 * An SSDP answer's LOCATION is only followed when it is plain http on the very host that answered:
 * anything else (another host, off-LAN, https, credentials in the URL) could turn discovery into
 * a request forger, so it is refused with a reason.
 */
export type LocationCheck = { ok: true; url: URL } | { ok: false; reason: string };

export function checkSsdpLocation(location: string | undefined, answeringAddress: string): LocationCheck {
  if (!location) return { ok: false, reason: 'SSDP answer without LOCATION' };
  if (location.length > 2048) return { ok: false, reason: 'LOCATION longer than 2048 characters' };
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return { ok: false, reason: `LOCATION is not a URL: ${location.slice(0, 100)}` };
  }
  if (url.protocol !== 'http:') return { ok: false, reason: `LOCATION scheme ${url.protocol} refused (only http)` };
  if (url.username || url.password) return { ok: false, reason: 'LOCATION with credentials refused' };
  if (url.hostname !== answeringAddress) {
    return { ok: false, reason: `LOCATION host ${url.hostname} is not the answering address ${answeringAddress}` };
  }
  return { ok: true, url };
}

/** True when `candidate` points at the same host as `base` (ports may differ). */
export function sameHost(candidate: URL, host: string): boolean {
  return candidate.protocol === 'http:' && candidate.hostname === host && !candidate.username && !candidate.password;
}
