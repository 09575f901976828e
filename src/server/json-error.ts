/**
 * The JSON error body every route but DLNA's SOAP answers with: `{ error: { code, message, hint } }`.
 * The status comes from the error table (src/errors.ts), never from the call site.
 */
import type { Response } from 'express';
import { ERRORS, isTorrentLiveError, type ErrorCode } from '../errors.js';

export function sendJsonError(res: Response, code: ErrorCode, message: string, hint: string = ERRORS[code].hint): void {
  res.status(ERRORS[code].httpStatus).set('Cache-Control', 'no-store').json({ error: { code, message, hint } });
}

/** Any thrown thing as a JSON error: our own and the casting library's carry a known code. */
export function sendError(res: Response, err: unknown): void {
  if (isTorrentLiveError(err)) return sendJsonError(res, err.code, err.message, err.hint);
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code in ERRORS) return sendJsonError(res, code as ErrorCode, (err as Error).message);
  sendJsonError(res, 'E_INTERNAL', err instanceof Error ? err.message : String(err));
}
