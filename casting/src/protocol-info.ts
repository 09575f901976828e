/** ConnectionManager GetProtocolInfo sink lists: "http-get:*:video/mp4:DLNA.ORG_PN=...,http-get:*:audio/mpeg:*". */
export interface ProtocolInfo { protocol: string; network: string; contentFormat: string; additionalInfo: string }

export const MAX_PROTOCOL_ENTRIES = 1000;

export function parseProtocolInfoList(list: string): ProtocolInfo[] {
  const out: ProtocolInfo[] = [];
  for (const raw of list.split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const fields = entry.split(':');
    if (fields.length < 4) continue;
    const [protocol, network, contentFormat] = fields as [string, string, string];
    out.push({ protocol, network, contentFormat: contentFormat.toLowerCase(), additionalInfo: fields.slice(3).join(':') });
    if (out.length >= MAX_PROTOCOL_ENTRIES) break;
  }
  return out;
}

/** Whether a sink list accepts `contentType` over http-get (wildcards honoured). An empty list says nothing: true. */
export function sinkAccepts(sinks: ProtocolInfo[], contentType: string): boolean {
  if (sinks.length === 0) return true;
  const wanted = contentType.split(';')[0]!.trim().toLowerCase();
  return sinks.some((s) => (s.protocol === 'http-get' || s.protocol === '*') && (s.contentFormat === '*' || s.contentFormat === wanted || (s.contentFormat.endsWith('/*') && wanted.startsWith(s.contentFormat.slice(0, -1)))));
}
