/**
 * Talks to /api. Every failure becomes an ApiError whose message can be shown to the user as is:
 * the server's `{error:{code,message}}` when it sent one, a plain explanation otherwise.
 */

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** The user-facing reason for a failed response; pure so every status has a tested message. */
export function describeFailure(status: number, body: unknown): { code: string; message: string } {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = (body as { error: unknown }).error;
    if (typeof error === 'object' && error !== null) {
      const { code, message } = error as { code?: unknown; message?: unknown };
      if (typeof message === 'string' && message) {
        return { code: typeof code === 'string' ? code : `HTTP_${status}`, message };
      }
    }
  }
  switch (status) {
    case 401:
      return { code: 'E_UNAUTHORIZED', message: 'This phone is not paired any more. Scan the QR code torrent-live prints.' };
    case 403:
      return { code: 'E_FORBIDDEN', message: 'The server refused this request.' };
    case 404:
      return { code: 'E_NOT_FOUND', message: 'Not found: it may have been removed.' };
    case 413:
      return { code: 'E_TOO_LARGE', message: 'That upload is too large for the server.' };
    default:
      return { code: `HTTP_${status}`, message: `The server answered ${status}.` };
  }
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export async function apiRequest(method: string, path: string, body?: unknown, fetchImpl: Fetch = fetch): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(path, {
      method,
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'E_NETWORK', 'Cannot reach torrent-live. Is it still running, and is this phone on the same network?');
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const { code, message } = describeFailure(response.status, parsed);
    throw new ApiError(response.status, code, message);
  }
  return parsed;
}

export const api = {
  get: (path: string) => apiRequest('GET', path),
  post: (path: string, body: unknown = {}) => apiRequest('POST', path, body),
  delete: (path: string) => apiRequest('DELETE', path),
};

/**
 * Why a stream URL the <video> element could not play was refused (a conversion past the
 * server's capacity, ffmpeg missing...): the server's own message, or undefined when it now
 * answers with media (then the failure was the browser's, not the server's).
 */
export async function streamRefusal(url: string, fetchImpl: Fetch = fetch): Promise<{ code: string; message: string } | undefined> {
  let response: Response;
  try {
    response = await fetchImpl(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  } catch {
    return undefined;
  }
  if (response.ok) {
    // Media, not an error: stop the conversion this request started.
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  const body: unknown = await response.json().catch(() => undefined);
  return describeFailure(response.status, body);
}
