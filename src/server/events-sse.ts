/** GET /api/events — Server-Sent Events carrying the same objects as `--json` NDJSON lines. */
import express from 'express';
import type { EventBus } from '../events.js';

export const SSE_KEEPALIVE_MS = 15_000;

export function eventsRouter(bus: EventBus): express.Router {
  const router = express.Router();
  router.get('/api/events', (req, res) => {
    res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    res.write(': torrent-live events\n\n');
    const unsubscribe = bus.subscribe((event) => res.write(`event: ${event.event}\ndata: ${JSON.stringify(event)}\n\n`));
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), SSE_KEEPALIVE_MS);
    req.on('close', () => {
      clearInterval(keepalive);
      unsubscribe();
    });
  });
  return router;
}
