/**
 * What to answer for a byte-serving request, as plain data: status, headers and the byte range.
 * The express route only writes it, so the Range rules are unit-tested without a socket.
 */
import rangeParser from 'range-parser';

export interface ByteServePlan {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  /** Inclusive byte range to send; absent for 416 and for empty files. */
  range?: { start: number; end: number };
  /** HEAD: headers only. */
  bodless: boolean;
}

export const MAX_RANGE_HEADER_BYTES = 1024;

export function planByteServe(opts: { method: string; rangeHeader: string | undefined; length: number; contentType: string; extraHeaders?: Record<string, string> | undefined }): ByteServePlan {
  const { length } = opts;
  const base: Record<string, string> = { 'Accept-Ranges': 'bytes', 'Content-Type': opts.contentType, ...opts.extraHeaders };
  const bodless = opts.method === 'HEAD';
  const header = opts.rangeHeader;
  if (header !== undefined && header.length <= MAX_RANGE_HEADER_BYTES) {
    const parsed = rangeParser(length, header, { combine: true });
    if (parsed === -1) {
      return { status: 416, headers: { ...base, 'Content-Range': `bytes */${length}`, 'Content-Length': '0' }, bodless: true };
    }
    // Malformed ranges (-2), other units and multipart requests fall back to the whole file,
    // which RFC 9110 allows and every player handles.
    if (Array.isArray(parsed) && parsed.type === 'bytes' && parsed.length === 1) {
      const { start, end } = parsed[0]!;
      return {
        status: 206,
        headers: { ...base, 'Content-Range': `bytes ${start}-${end}/${length}`, 'Content-Length': String(end - start + 1) },
        range: { start, end },
        bodless,
      };
    }
  }
  return { status: 200, headers: { ...base, 'Content-Length': String(length) }, ...(length > 0 ? { range: { start: 0, end: length - 1 } } : {}), bodless };
}
