/** The JSON error body every /api route answers with: `{ error: { code, message, hint } }`. */
import type { Response } from 'express';
import { isTorrentLiveError, type ErrorCode } from '../errors.js';

export function sendJsonError(res: Response, status: number, code: ErrorCode | string, message: string, hint?: string): void {
  res.status(status).set('Cache-Control', 'no-store').json({ error: { code, message, ...(hint ? { hint } : {}) } });
}

/** Maps a thrown error to a status: bad input is 400, unknown things 404, the rest 500. */
export function sendThrown(res: Response, err: unknown): void {
  if (isTorrentLiveError(err)) {
    const status = err.code === 'E_NOT_FOUND' ? 404 : err.exitCode === 2 ? 400 : 500;
    sendJsonError(res, status, err.code, err.message, err.hint);
    return;
  }
  sendJsonError(res, 500, 'E_INTERNAL', err instanceof Error ? err.message : String(err));
}
