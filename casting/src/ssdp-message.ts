/**
 * SSDP (HTTP over UDP) messages, both roles: a control point's M-SEARCH and the bounded parse of
 * answers and announcements; a device's check of a search, its answers and its NOTIFYs. Pure.
 */
export const SSDP_ADDRESS = '239.255.255.250';
export const SSDP_PORT = 1900;
export const MEDIA_RENDERER = 'urn:schemas-upnp-org:device:MediaRenderer:1';
export const MAX_SSDP_MESSAGE = 8192;

export function buildMSearch(searchTarget: string, mxSeconds = 1, port = SSDP_PORT): Buffer {
  return Buffer.from(
    ['M-SEARCH * HTTP/1.1', `HOST: ${SSDP_ADDRESS}:${port}`, 'MAN: "ssdp:discover"', `MX: ${mxSeconds}`, `ST: ${searchTarget}`, 'USER-AGENT: torrent-live/0.1 UPnP/1.1', '', ''].join('\r\n'),
  );
}

/** One SSDP datagram: `RESPONSE` for an `HTTP/1.x NNN` status line, else the method (M-SEARCH, NOTIFY). */
export interface SsdpMessage {
  method: string;
  /** The status code of a RESPONSE. */
  status?: number;
  /** Header names lower-cased (SSDP, like HTTP, ignores their case). */
  headers: Record<string, string>;
}

/**
 * The one bounded parse of SSDP datagrams, for the renderer search here and the media server's
 * advertiser in src/adapters: untrusted LAN bytes, so at most MAX_SSDP_MESSAGE bytes and 64 lines.
 */
export function parseSsdpMessage(message: Buffer | string): SsdpMessage | undefined {
  const text = typeof message === 'string' ? message : message.length > MAX_SSDP_MESSAGE ? undefined : message.toString('latin1');
  if (text === undefined || text.length > MAX_SSDP_MESSAGE) return undefined;
  const lines = text.split(/\r?\n/);
  const start = (lines[0] ?? '').trim();
  const response = /^HTTP\/1\.[01] (\d{3})/.exec(start);
  const request = response ? undefined : /^([A-Z-]+) \* HTTP\/1\.[01]$/i.exec(start);
  if (!response && !request) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1, 64)) {
    const idx = line.indexOf(':');
    if (idx > 0) headers[line.slice(0, idx).trim().toLowerCase()] = line.slice(idx + 1).trim();
  }
  return response ? { method: 'RESPONSE', status: Number(response[1]), headers } : { method: request![1]!.toUpperCase(), headers };
}

export interface SsdpAnswer { status: number; headers: Record<string, string> }

/** A search answer (`HTTP/1.1 NNN`), or undefined. */
export function parseSsdpAnswer(message: Buffer): SsdpAnswer | undefined {
  const m = parseSsdpMessage(message);
  return m?.method === 'RESPONSE' ? { status: m.status!, headers: m.headers } : undefined;
}

export interface SsdpNotify { kind: 'alive' | 'byebye'; nt: string; location?: string; usn?: string }

/** A `NOTIFY *` announcement (device start: ssdp:alive, clean shutdown: ssdp:byebye), or undefined. */
export function parseSsdpNotify(message: Buffer): SsdpNotify | undefined {
  const m = parseSsdpMessage(message);
  const nts = m?.headers['nts'];
  if (m?.method !== 'NOTIFY' || (nts !== 'ssdp:alive' && nts !== 'ssdp:byebye')) return undefined;
  return {
    kind: nts === 'ssdp:alive' ? 'alive' : 'byebye',
    nt: m.headers['nt'] ?? '',
    ...(m.headers['location'] ? { location: m.headers['location'] } : {}),
    ...(m.headers['usn'] ? { usn: m.headers['usn'] } : {}),
  };
}

/** "uuid:abc::urn:..." → "uuid:abc". */
export function udnFromUsn(usn: string | undefined): string | undefined {
  if (!usn) return undefined;
  const udn = usn.split('::')[0]!.trim();
  return /^uuid:[^\s]{1,128}$/i.test(udn) ? udn : undefined;
}

// ---- device side -----------------------------------------------------------------------------

/** A valid M-SEARCH: discover by multicast (MAN), HOST (UDA requires it), an ST, MX in seconds (capped at 5, as UDA says). */
export function parseSearchRequest(msg: SsdpMessage): { st: string; mxSeconds: number } | undefined {
  if (msg.method !== 'M-SEARCH' || msg.headers['man']?.replace(/"/g, '') !== 'ssdp:discover') return undefined;
  // A search without HOST is not from a real control point.
  if (!msg.headers['host']) return undefined;
  const st = msg.headers['st'];
  if (!st) return undefined;
  const mx = Number(msg.headers['mx'] ?? '1');
  return { st, mxSeconds: Number.isFinite(mx) ? Math.min(Math.max(mx, 0), 5) : 1 };
}

/**
 * Answers may carry at most this many times the bytes of the search that asked for them: answers
 * go unicast to whatever source a datagram claims, so a device must not amplify a forged one.
 */
export const MAX_SSDP_AMPLIFICATION = 3;

/** One thing a device announces: NT in a NOTIFY, ST in a search answer, and its USN. */
export interface SsdpAdvertisement {
  type: string;
  usn: string;
}

/** Who answers: the description URL, the SERVER header and how long the announcement holds. */
export interface SsdpIdentity {
  location: string;
  server: string;
  maxAgeSeconds: number;
}

function headerValue(value: string): string {
  // A header value with a line break would let one field forge others.
  if (/[\r\n]/.test(value)) throw new Error(`SSDP header value with a line break: ${JSON.stringify(value.slice(0, 100))}`);
  return value;
}

export function buildSearchResponse(ad: SsdpAdvertisement, id: SsdpIdentity, date: Date): string {
  return (
    'HTTP/1.1 200 OK\r\n' +
    `CACHE-CONTROL: max-age=${Math.trunc(id.maxAgeSeconds)}\r\n` +
    `DATE: ${date.toUTCString()}\r\n` +
    'EXT:\r\n' +
    `LOCATION: ${headerValue(id.location)}\r\n` +
    `SERVER: ${headerValue(id.server)}\r\n` +
    `ST: ${headerValue(ad.type)}\r\n` +
    `USN: ${headerValue(ad.usn)}\r\n\r\n`
  );
}

export function buildNotify(ad: SsdpAdvertisement, id: SsdpIdentity, kind: 'ssdp:alive' | 'ssdp:byebye', port = SSDP_PORT): string {
  const alive = kind === 'ssdp:alive' ? `CACHE-CONTROL: max-age=${Math.trunc(id.maxAgeSeconds)}\r\nLOCATION: ${headerValue(id.location)}\r\nSERVER: ${headerValue(id.server)}\r\n` : '';
  return `NOTIFY * HTTP/1.1\r\nHOST: ${SSDP_ADDRESS}:${port}\r\n${alive}NT: ${headerValue(ad.type)}\r\nNTS: ${kind}\r\nUSN: ${headerValue(ad.usn)}\r\n\r\n`;
}
