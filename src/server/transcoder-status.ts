/**
 * GET /api/transcoder: the encoder the test encodes chose (and why the hardware ones were not),
 * the capacity budget, and each running video conversion's rung and cost (measured once its
 * ffmpeg has run a couple of seconds, predicted before). For the curious user, the bench and tests.
 */
import express from 'express';
import type { TranscodeHandler } from '../transcode/transcode-route.js';

export function transcoderStatusRouter(transcode: Pick<TranscodeHandler, 'status'>): express.Router {
  const router = express.Router();
  router.get('/api/transcoder', (_req, res, next) => {
    transcode.status().then((s) => res.json(s), next);
  });
  return router;
}
