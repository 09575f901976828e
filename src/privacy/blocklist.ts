/**
 * Blocklists from others (`--blocklist FILE|URL`): PeerGuardian p2p (`name:1.2.3.4-1.2.3.5`),
 * eMule dat (`1.2.3.4 - 1.2.3.5 , 000 , name`) and CIDR lines, gzip transparently, all bounded
 * because a list fetched from a URL is untrusted input. Also the p2p writer for spies.p2p.
 */
import fs from 'node:fs/promises';
import zlib from 'node:zlib';
import { TorrentLiveError } from '../errors.js';
import { IpRangeSet, ipv4ToNumber, numberToIpv4, type IpRange } from './ip-range.js';

/** Public lists run to a few hundred thousand lines; anything far larger is refused. */
export const BLOCKLIST_MAX_BYTES = 64 * 1024 * 1024;
export const BLOCKLIST_MAX_LINE_CHARS = 1024;

export interface ParsedBlocklist {
  ranges: IpRange[];
  /** Lines that were neither blank, comments nor a recognised entry. */
  malformed: number;
}

const IP = String.raw`(\d{1,3}(?:\.\d{1,3}){3})`;
const P2P_LINE = new RegExp(String.raw`^(.*):\s*${IP}\s*-\s*${IP}\s*$`);
const DAT_LINE = new RegExp(String.raw`^${IP}\s*-\s*${IP}\s*,\s*(\d+)\s*(?:,\s*(.*))?$`);
const CIDR_LINE = new RegExp(String.raw`^${IP}(?:/(\d{1,2}))?\s*(?:[#;].*)?$`);
/** eMule's convention: an access level of 128 or more means "allowed". */
const DAT_ALLOW_LEVEL = 128;

/** Lists often zero-pad octets (001.002.003.004), which net.isIPv4 rightly refuses elsewhere. */
function quad(ip: string): number | null {
  return ipv4ToNumber(ip.split('.').map((o) => String(Number(o))).join('.'));
}

function range(startIp: string, endIp: string, name: string): IpRange | null {
  const start = quad(startIp);
  const end = quad(endIp);
  if (start === null || end === null || end < start) return null;
  return { start, end, name };
}

/** Parses one line; `undefined` for blanks, comments and allowed dat entries, null if malformed. */
export function parseBlocklistLine(raw: string): IpRange | null | undefined {
  const line = raw.trim();
  if (!line || line.startsWith('#') || line.startsWith('//') || line.startsWith(';')) return undefined;
  if (line.length > BLOCKLIST_MAX_LINE_CHARS) return null;
  let m = DAT_LINE.exec(line);
  if (m) return Number(m[3]) >= DAT_ALLOW_LEVEL ? undefined : range(m[1]!, m[2]!, (m[4] ?? '').trim());
  m = CIDR_LINE.exec(line);
  if (m) {
    const base = quad(m[1]!);
    const bits = m[2] === undefined ? 32 : Number(m[2]);
    if (base === null || bits > 32) return null;
    const size = 2 ** (32 - bits);
    const start = Math.floor(base / size) * size;
    return { start, end: start + size - 1, name: '' };
  }
  m = P2P_LINE.exec(line);
  if (m) return range(m[2]!, m[3]!, m[1]!.trim());
  return null;
}

export function parseBlocklist(text: string): ParsedBlocklist {
  const ranges: IpRange[] = [];
  let malformed = 0;
  for (const line of text.split(/\r?\n/)) {
    const r = parseBlocklistLine(line);
    if (r === null) malformed++;
    else if (r) ranges.push(r);
  }
  return { ranges, malformed };
}

/** Gunzips when the bytes start with the gzip magic, refusing output past maxBytes. */
export function decodeBlocklistBytes(bytes: Uint8Array, source: string, maxBytes = BLOCKLIST_MAX_BYTES): string {
  const gz = bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (!gz) {
    if (bytes.length > maxBytes) throw tooLarge(source, maxBytes);
    return Buffer.from(bytes).toString('utf8');
  }
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: maxBytes }).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(source, maxBytes);
    throw new TorrentLiveError('E_BAD_BLOCKLIST', `blocklist ${source}: not valid gzip (${(err as Error).message})`, { cause: err });
  }
}

function tooLarge(source: string, maxBytes: number): TorrentLiveError {
  return new TorrentLiveError('E_BAD_BLOCKLIST', `blocklist ${source} is larger than ${maxBytes} bytes once decompressed`);
}

export interface LoadBlocklistOptions {
  maxBytes?: number;
  fetch?: (url: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;
  readFile?: (path: string) => Promise<Uint8Array>;
}

/** Loads a FILE or http(s) URL. Throws E_BAD_BLOCKLIST when nothing in it parses. */
export async function loadBlocklist(source: string, opts: LoadBlocklistOptions = {}): Promise<ParsedBlocklist> {
  const maxBytes = opts.maxBytes ?? BLOCKLIST_MAX_BYTES;
  let bytes: Uint8Array;
  try {
    if (/^https?:\/\//i.test(source)) {
      const res = await (opts.fetch ?? globalThis.fetch)(source);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      bytes = new Uint8Array(await res.arrayBuffer());
    } else {
      bytes = await (opts.readFile ?? ((p: string) => fs.readFile(p)))(source);
    }
  } catch (err) {
    throw new TorrentLiveError('E_BAD_BLOCKLIST', `blocklist ${source} could not be read: ${(err as Error).message}`, { cause: err });
  }
  const parsed = parseBlocklist(decodeBlocklistBytes(bytes, source, maxBytes));
  if (parsed.ranges.length === 0 && parsed.malformed > 0) {
    throw new TorrentLiveError('E_BAD_BLOCKLIST', `blocklist ${source}: none of its ${parsed.malformed} entries is p2p, dat or CIDR`);
  }
  return parsed;
}

export function blocklistSet(lists: readonly ParsedBlocklist[]): IpRangeSet {
  return new IpRangeSet(lists.flatMap((l) => l.ranges));
}

/** PeerGuardian p2p lines; ':' and newlines are stripped from names so every line parses back. */
export function formatP2p(entries: ReadonlyArray<{ name: string; start: string; end?: string }>): string {
  return entries.map((e) => `${e.name.replace(/[:\r\n]/g, ' ').trim() || 'blocked'}:${e.start}-${e.end ?? e.start}\n`).join('');
}

export function formatRange(r: IpRange): { name: string; start: string; end: string } {
  return { name: r.name, start: numberToIpv4(r.start), end: numberToIpv4(r.end) };
}
