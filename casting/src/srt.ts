/** SubRip → WebVTT (Chromecast and browsers only take WebVTT). */
export function srtToVtt(srt: string): string {
  const body = srt
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/(\d{1,2}:\d{2}:\d{2}),(\d{1,3})\s*-->\s*(\d{1,2}:\d{2}:\d{2}),(\d{1,3})/g, (_m, a: string, am: string, b: string, bm: string) => `${pad(a)}.${am.padEnd(3, '0')} --> ${pad(b)}.${bm.padEnd(3, '0')}`)
    .trim();
  if (body.startsWith('WEBVTT')) return `${body}\n`;
  // Cue text may not contain "-->" outside a timing line; and a blank-line-separated "NOTE" is fine.
  return `WEBVTT\n\n${body}\n`;
}

function pad(ts: string): string {
  return ts.length === 7 ? `0${ts}` : ts;
}
