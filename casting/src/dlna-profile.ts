/** DLNA's extra HTTP headers and protocolInfo fourth field, for the content types we stream. */

/** Streaming + background transfer modes, connection stalling, DLNA 1.5 (the flags renderers expect for a live HTTP stream). */
export const DLNA_FLAGS_STREAMING = '01700000000000000000000000000000';
/** Interactive transfer mode (images, subtitles), DLNA 1.5. */
export const DLNA_FLAGS_INTERACTIVE = '00900000000000000000000000000000';

const PROFILES: Record<string, string> = {
  'video/mp4': 'AVC_MP4_MP_SD_AAC_MULT5',
  'video/mpeg': 'MPEG_PS_PAL',
  'video/mp2t': 'MPEG_TS_SD_EU_ISO',
  'video/x-ms-wmv': 'WMVMED_BASE',
  'video/x-matroska': 'MATROSKA',
  'audio/mpeg': 'MP3',
  'audio/mp4': 'AAC_ISO_320',
  'audio/x-flac': 'FLAC',
  'image/jpeg': 'JPEG_LRG',
  'image/png': 'PNG_LRG',
};

function baseType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

export function dlnaProfileFor(contentType: string): string | undefined {
  return PROFILES[baseType(contentType)];
}

function isStreamed(contentType: string): boolean {
  const t = baseType(contentType);
  return t.startsWith('video/') || t.startsWith('audio/');
}

/** The fourth protocolInfo field: PN where known, OP=01 (byte seeks), CI=0, FLAGS. */
export function dlnaFeatures(contentType: string): string {
  const pn = dlnaProfileFor(contentType);
  const flags = isStreamed(contentType) ? DLNA_FLAGS_STREAMING : DLNA_FLAGS_INTERACTIVE;
  return [pn ? `DLNA.ORG_PN=${pn}` : undefined, 'DLNA.ORG_OP=01', 'DLNA.ORG_CI=0', `DLNA.ORG_FLAGS=${flags}`].filter(Boolean).join(';');
}

export function protocolInfoFor(contentType: string): string {
  return `http-get:*:${baseType(contentType)}:${dlnaFeatures(contentType)}`;
}

/** Headers the stream answers with so DLNA renderers accept it (and find the subtitles). */
export function dlnaStreamHeaders(contentType: string, opts: { subtitleUrl?: string } = {}): Record<string, string> {
  const headers: Record<string, string> = {
    'transferMode.dlna.org': isStreamed(contentType) ? 'Streaming' : 'Interactive',
    'contentFeatures.dlna.org': dlnaFeatures(contentType),
  };
  if (opts.subtitleUrl !== undefined) {
    if (/[\r\n]/.test(opts.subtitleUrl)) throw new Error('subtitle URL must not contain line breaks');
    headers['CaptionInfo.sec'] = opts.subtitleUrl;
  }
  return headers;
}
