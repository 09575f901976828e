/** SSDP (HTTP over UDP) messages: the M-SEARCH we send and the bounded parse of answers. */
export const SSDP_ADDRESS = '239.255.255.250';
export const SSDP_PORT = 1900;
export const MEDIA_RENDERER = 'urn:schemas-upnp-org:device:MediaRenderer:1';
export const MAX_SSDP_MESSAGE = 8192;

export function buildMSearch(searchTarget: string, mxSeconds = 1, port = SSDP_PORT): Buffer {
  return Buffer.from(
    ['M-SEARCH * HTTP/1.1', `HOST: ${SSDP_ADDRESS}:${port}`, 'MAN: "ssdp:discover"', `MX: ${mxSeconds}`, `ST: ${searchTarget}`, 'USER-AGENT: torrent-live/0.1 UPnP/1.1', '', ''].join('\r\n'),
  );
}

export interface SsdpAnswer { status: number; headers: Record<string, string> }

/** An `HTTP/1.1 200 OK` search answer with upper-cased header names, or undefined. */
export function parseSsdpAnswer(message: Buffer): SsdpAnswer | undefined {
  if (message.length > MAX_SSDP_MESSAGE) return undefined;
  const lines = message.toString('utf8').split(/\r?\n/);
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1, 64)) {
    const idx = line.indexOf(':');
    if (idx <= 0) continue;
    headers[line.slice(0, idx).trim().toUpperCase()] = line.slice(idx + 1).trim();
  }
  return { status: Number(m[1]), headers };
}

export interface SsdpNotify { kind: 'alive' | 'byebye'; nt: string; location?: string; usn?: string }

/**
 * A `NOTIFY * HTTP/1.1` announcement (device start: ssdp:alive, clean shutdown: ssdp:byebye), or
 * undefined for anything else. Same bounds as answers: untrusted LAN bytes.
 */
export function parseSsdpNotify(message: Buffer): SsdpNotify | undefined {
  if (message.length > MAX_SSDP_MESSAGE) return undefined;
  const lines = message.toString('utf8').split(/\r?\n/);
  if (!/^NOTIFY \* HTTP\/1\.[01]$/.test((lines[0] ?? '').trim())) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1, 64)) {
    const idx = line.indexOf(':');
    if (idx > 0) headers[line.slice(0, idx).trim().toUpperCase()] = line.slice(idx + 1).trim();
  }
  const nts = headers['NTS'];
  if (nts !== 'ssdp:alive' && nts !== 'ssdp:byebye') return undefined;
  return {
    kind: nts === 'ssdp:alive' ? 'alive' : 'byebye',
    nt: headers['NT'] ?? '',
    ...(headers['LOCATION'] ? { location: headers['LOCATION'] } : {}),
    ...(headers['USN'] ? { usn: headers['USN'] } : {}),
  };
}

/** "uuid:abc::urn:..." → "uuid:abc". */
export function udnFromUsn(usn: string | undefined): string | undefined {
  if (!usn) return undefined;
  const udn = usn.split('::')[0]!.trim();
  return /^uuid:[^\s]{1,128}$/i.test(udn) ? udn : undefined;
}
