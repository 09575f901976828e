/** GET /api/events — Server-Sent Events carrying the same objects as `--json` NDJSON lines. */
import express from 'express';
import type { AppEvent, EventBus } from '../events.js';

export const SSE_KEEPALIVE_MS = 15_000;
/**
 * Files a `metadata` event carries over SSE: a 50,000-file torrent's would be megabytes to every
 * open page; `fileCount` says how many there are and GET /api/torrents/:infoHash/files pages them.
 */
export const SSE_METADATA_FILES = 1_000;

/** The data line of an event as SSE sends it. */
export function sseData(event: AppEvent): string {
  if (event.event !== 'metadata' || event.files.length <= SSE_METADATA_FILES) return JSON.stringify(event);
  return JSON.stringify({ ...event, files: event.files.slice(0, SSE_METADATA_FILES), fileCount: event.fileCount ?? event.files.length });
}

export function eventsRouter(bus: EventBus): express.Router {
  const router = express.Router();
  router.get('/api/events', (req, res) => {
    res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write(': torrent-live events\n\n');
    const unsubscribe = bus.subscribe((event) => res.write(`event: ${event.event}\ndata: ${sseData(event)}\n\n`));
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), SSE_KEEPALIVE_MS);
    req.on('close', () => {
      clearInterval(keepalive);
      unsubscribe();
    });
  });
  return router;
}
