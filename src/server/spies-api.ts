/**
 * /api/spies: what the private lookup found (counters, history for the chart, latest spies) and
 * the lists themselves for other clients: spies.p2p (PeerGuardian) and spies.txt (JSON array).
 */
import express from 'express';
import { formatSpiesP2p, formatSpiesTxt } from '../privacy/spy-files.js';
import type { SpyStats } from '../privacy/spy-stats.js';
import type { SpyWatch } from '../privacy/spy-watch.js';

export function spiesRouter(opts: { stats: SpyStats; watch: SpyWatch }): express.Router {
  const router = express.Router();
  router.get('/api/spies', (_req, res) => {
    res.json(opts.stats.report());
  });
  router.get('/api/spies.p2p', (_req, res) => {
    res.type('text/plain; charset=utf-8').set('Content-Disposition', 'attachment; filename="spies.p2p"');
    res.send(formatSpiesP2p(opts.watch.registry.active()));
  });
  router.get('/api/spies.txt', (_req, res) => {
    res.type('application/json; charset=utf-8').set('Content-Disposition', 'attachment; filename="spies.txt"');
    res.send(formatSpiesTxt(opts.watch.registry.active().map((r) => r.ip)));
  });
  return router;
}
