/**
 * The server's playback answer (POST /api/playback, src/server/playback-api.ts) as the page uses
 * it, checked field by field: a missing or odd field means "play the original and see". Pure.
 */

export type PlaybackMode = 'original' | 'remux' | 'audio' | 'convert';

export interface PlaybackSubtitleView {
  url: string;
  language: string;
  label: string;
}

export interface PlaybackView {
  mode: PlaybackMode;
  reason: string;
  url: string;
  seek: 'native' | 'restart';
  durationSeconds: number | undefined;
  /** The codec of the sound the file carries (the first audio track), for messages. */
  sourceAudio: string | undefined;
  subtitles: PlaybackSubtitleView[];
}

const MODES: readonly PlaybackMode[] = ['original', 'remux', 'audio', 'convert'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Only same-origin stream paths: the page never loads a URL the answer could point elsewhere. */
function streamPathOnly(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/stream\/[0-9a-f]{40}\/\d+(\?[\w=&.%-]*)?$/.test(value) ? value : undefined;
}

export function playbackFromApi(value: unknown): PlaybackView | undefined {
  if (!isRecord(value)) return undefined;
  const mode = MODES.find((m) => m === value['mode']);
  const url = streamPathOnly(value['url']);
  if (!mode || !url) return undefined;
  const duration = value['durationSeconds'];
  const tracks = Array.isArray(value['audioTracks']) ? value['audioTracks'].filter(isRecord) : [];
  const first = tracks[0]?.['codec'];
  const subtitles = (Array.isArray(value['subtitles']) ? value['subtitles'] : []).filter(isRecord).flatMap((s): PlaybackSubtitleView[] => {
    const subUrl = streamPathOnly(s['url']);
    if (!subUrl) return [];
    return [{ url: subUrl, language: typeof s['language'] === 'string' ? s['language'] : 'und', label: typeof s['label'] === 'string' && s['label'] ? s['label'] : 'Subtitles' }];
  });
  return {
    mode,
    reason: typeof value['reason'] === 'string' ? value['reason'] : '',
    url,
    seek: value['seek'] === 'restart' ? 'restart' : 'native',
    durationSeconds: typeof duration === 'number' && Number.isFinite(duration) && duration > 0 ? duration : undefined,
    sourceAudio: typeof first === 'string' ? first : undefined,
    subtitles,
  };
}

/** What the page tells the viewer about a conversion, or '' when nothing is converted. */
export function conversionNote(view: PlaybackView): string {
  switch (view.mode) {
    case 'original':
      return '';
    case 'remux':
      return 'Playing through the server (the file is repackaged, not re-encoded).';
    case 'audio':
      return `This browser cannot decode the ${view.sourceAudio ? `${view.sourceAudio.toUpperCase()} ` : ''}sound; the server converts the audio and copies the picture.`;
    case 'convert':
      return 'This browser cannot play the file as it is; the server converts it while it downloads.';
  }
}

/** The same stream path starting at `seconds` (the transcoder restarts ffmpeg there). */
export function withStart(url: string, seconds: number): string {
  const [path, query = ''] = url.split('?', 2) as [string, string?];
  const params = query.split('&').filter((p) => p !== '' && !p.startsWith('t='));
  if (seconds > 0) params.push(`t=${Math.round(seconds * 1000) / 1000}`);
  return params.length ? `${path}?${params.join('&')}` : path;
}

/**
 * Where a conversion that started at `offset` is, in file time. The server keeps the file's
 * timestamps (a stream from t=40 starts at 40), which Chromium shows as they are; a player that
 * counts from 0 instead is caught by the position being well before the start.
 */
export function fileTime(currentTime: number, offset: number): number {
  return offset > 0 && currentTime < offset - 1 ? offset + currentTime : currentTime;
}
