/**
 * GET /api/route: how torrent traffic leaves (proxy, bound address, direct) and whether it is
 * blocked, for the web remote and scripts; the `route` event carries the same object.
 */
import { Router } from 'express';
import type { RouteStatus } from '../route/route-state.js';

export function routeRouter(route: { status(): RouteStatus }): Router {
  const router = Router();
  router.get('/api/route', (_req, res) => {
    res.json(route.status());
  });
  return router;
}
