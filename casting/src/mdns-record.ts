/** `_googlecast._tcp` mDNS answers → Chromecast DeviceInfo (TXT id = stable id, fn = name, md = model). */
import type { DeviceInfo } from './types.js';

export const GOOGLECAST_SERVICE = '_googlecast._tcp.local';

export interface MdnsRecord { name: string; type: string; data?: unknown; ttl?: number }

export function parseTxt(data: unknown): Record<string, string> {
  const entries = Array.isArray(data) ? data : data === undefined ? [] : [data];
  const out: Record<string, string> = {};
  for (const entry of entries.slice(0, 64)) {
    const s = Buffer.isBuffer(entry) ? entry.toString('utf8') : typeof entry === 'string' ? entry : '';
    const eq = s.indexOf('=');
    if (eq <= 0) continue;
    out[s.slice(0, eq).toLowerCase()] = s.slice(eq + 1).slice(0, 256);
  }
  return out;
}

/** Devices described by one mDNS packet's records (answers + additionals); `from` is the sender's address. */
export function chromecastsFromRecords(records: MdnsRecord[], from: string, nowMs: number): Array<{ device: DeviceInfo; ttl: number }> {
  const out: Array<{ device: DeviceInfo; ttl: number }> = [];
  const instances = new Set<string>();
  for (const r of records) {
    if (r.type === 'PTR' && r.name.toLowerCase() === GOOGLECAST_SERVICE && typeof r.data === 'string') instances.add(r.data);
    if ((r.type === 'SRV' || r.type === 'TXT') && r.name.toLowerCase().endsWith(`.${GOOGLECAST_SERVICE}`)) instances.add(r.name);
  }
  for (const instance of instances) {
    const srv = records.find((r) => r.type === 'SRV' && r.name === instance);
    const txtRecord = records.find((r) => r.type === 'TXT' && r.name === instance);
    if (!srv || !txtRecord) continue;
    const srvData = srv.data as { port?: unknown; target?: unknown } | undefined;
    const port = typeof srvData?.port === 'number' ? srvData.port : 0;
    if (port <= 0 || port > 65535) continue;
    const target = typeof srvData?.target === 'string' ? srvData.target : '';
    const a = records.find((r) => r.type === 'A' && r.name === target && typeof r.data === 'string');
    const txt = parseTxt(txtRecord.data);
    const rawId = txt.id || instance.split('.')[0] || '';
    const id = rawId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64);
    if (!id) continue;
    const name = (txt.fn || instance.split('.')[0] || id).replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200);
    const device: DeviceInfo = { id: `chromecast:${id}`, name, kind: 'chromecast', address: (a?.data as string | undefined) ?? from, port, lastSeenMs: nowMs };
    if (txt.md) device.model = txt.md;
    out.push({ device, ttl: Math.min(srv.ttl ?? 120, txtRecord.ttl ?? 120) });
  }
  return out;
}
