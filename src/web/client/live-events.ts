/**
 * The /api/events Server-Sent Events stream. Each `data:` line is one NDJSON event object of
 * src/events.ts; the stream may send them unnamed or named after the event, so both are heard.
 */
import type { AppEvent, EventName } from '../../events.js';

const EVENT_NAMES: readonly EventName[] = ['ready', 'metadata', 'progress', 'spy', 'peer', 'done', 'paused', 'resumed', 'cast', 'error', 'warning', 'route'];

const needsInfoHash: ReadonlySet<string> = new Set(['metadata', 'progress', 'peer', 'done', 'paused', 'resumed']);

/** The event in one `data:` payload, or undefined when it is not one (ignored, never fatal). */
export function parseEventData(data: string): AppEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const name = record['event'];
  if (typeof name !== 'string' || !(EVENT_NAMES as readonly string[]).includes(name)) return undefined;
  if (needsInfoHash.has(name) && typeof record['infoHash'] !== 'string') return undefined;
  if (name === 'metadata' && !Array.isArray(record['files'])) return undefined;
  if (name === 'progress' && (typeof record['downloaded'] !== 'number' || typeof record['length'] !== 'number')) return undefined;
  if (name === 'paused' && typeof record['reason'] !== 'string') return undefined;
  if (name === 'route' && (typeof record['blocked'] !== 'boolean' || typeof record['label'] !== 'string')) return undefined;
  return value as AppEvent;
}

export interface LiveEventsHandlers {
  onEvent(event: AppEvent): void;
  onStatus(status: 'live' | 'down'): void;
}

/** Opens the stream; EventSource reconnects by itself after a drop. Returns a closer. */
export function connectLiveEvents(url: string, handlers: LiveEventsHandlers): () => void {
  const source = new EventSource(url, { withCredentials: true });
  const deliver = (message: MessageEvent<string>) => {
    const event = parseEventData(message.data);
    if (event) handlers.onEvent(event);
  };
  source.addEventListener('message', deliver);
  for (const name of EVENT_NAMES) source.addEventListener(name, deliver as EventListener);
  source.addEventListener('open', () => handlers.onStatus('live'));
  source.addEventListener('error', () => handlers.onStatus('down'));
  return () => source.close();
}
