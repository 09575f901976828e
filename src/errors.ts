/**
 * Every error the program reports, with a stable code. The CLI maps `exitCode` to the process
 * exit status and HTTP answers with `httpStatus` (one table: no call site decides a status); a
 * test checks each code is documented in README.md.
 */
export const ERRORS = {
  E_BAD_SOURCE: { exitCode: 2, httpStatus: 400, hint: 'give a 40-hex or 32-base32 infohash, a magnet URI or a path to a .torrent file' },
  E_BAD_TORRENT: { exitCode: 2, httpStatus: 400, hint: 'the .torrent file is truncated or not a torrent; download it again' },
  E_BAD_ARGUMENT: { exitCode: 2, httpStatus: 400, hint: 'see `torrent-live --help`' },
  E_UNSAFE_PATH: { exitCode: 2, httpStatus: 400, hint: 'the torrent names a file outside the store; it is refused' },
  E_NOT_FOUND: { exitCode: 1, httpStatus: 404, hint: 'list what is loaded with GET /api/torrents' },
  E_BAD_RANGE: { exitCode: 1, httpStatus: 416, hint: 'the Range header must lie inside the file' },
  E_NO_FFMPEG: { exitCode: 1, httpStatus: 503, hint: 'install ffmpeg or pass its path with --ffmpeg; the original stream still works' },
  E_NO_PEERS: { exitCode: 1, httpStatus: 503, hint: 'no peer was found through the DHT; check --dht-bootstrap and the network' },
  E_PORT_IN_USE: { exitCode: 1, httpStatus: 500, hint: 'choose another port with --port' },
  E_STORE: { exitCode: 1, httpStatus: 500, hint: 'check that the --store folder is writable and has free space' },
  E_STORE_LOCKED: { exitCode: 1, httpStatus: 409, hint: 'another torrent-live uses this store (the message names its pid and port): stop it first, or give this one another --store' },
  E_DISK_FULL: { exitCode: 1, httpStatus: 507, hint: "free space on the --store disk: the download resumes by itself, and what is already downloaded still plays" },
  E_UNAUTHORIZED: { exitCode: 1, httpStatus: 401, hint: 'open the URL with the pairing token the terminal prints (or scan its QR code)' },
  E_BAD_HOST: { exitCode: 1, httpStatus: 403, hint: 'use the address the terminal prints; other host names are refused (DNS rebinding)' },
  E_CROSS_ORIGIN: { exitCode: 1, httpStatus: 403, hint: 'state-changing requests must come from the web remote itself' },
  E_BAD_BLOCKLIST: { exitCode: 2, httpStatus: 400, hint: 'give a readable PeerGuardian p2p, dat or CIDR list (gzip ok) to --blocklist' },
  E_BUSY: { exitCode: 1, httpStatus: 503, hint: 'all transcodes are in use; retry shortly or play the original stream' },
  E_CAPACITY: { exitCode: 1, httpStatus: 503, hint: 'stop another converted stream, play the original, or retry when one ends' },
  E_TRANSCODE: { exitCode: 1, httpStatus: 502, hint: 'ffmpeg failed; play the original stream or try the other format' },
  E_DEVICE_NOT_FOUND: { exitCode: 1, httpStatus: 404, hint: 'list the TVs with `torrent-live devices`; check --interface and that the TV is on' },
  E_DEVICE_TIMEOUT: { exitCode: 1, httpStatus: 504, hint: 'the TV stopped answering; check it is on and on the same network' },
  E_DEVICE_REFUSED: { exitCode: 1, httpStatus: 502, hint: 'the TV refused the connection or the command; restart it or pick another' },
  E_DEVICE_UNREACHABLE: { exitCode: 1, httpStatus: 502, hint: 'the TV cannot be reached; check --interface and the network' },
  E_BAD_DESCRIPTION: { exitCode: 1, httpStatus: 502, hint: 'the device sent an unusable description; it is ignored' },
  E_TOO_LARGE: { exitCode: 2, httpStatus: 413, hint: 'the upload is larger than the server accepts' },
  E_INTERNAL: { exitCode: 1, httpStatus: 500, hint: 'a bug: please report it with the log lines around it' },
} as const satisfies Record<string, { exitCode: number; httpStatus: number; hint: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class TorrentLiveError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly httpStatus: number;
  readonly hint: string;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TorrentLiveError';
    this.code = code;
    this.exitCode = ERRORS[code].exitCode;
    this.httpStatus = ERRORS[code].httpStatus;
    this.hint = ERRORS[code].hint;
  }
}

export function isTorrentLiveError(err: unknown): err is TorrentLiveError {
  return err instanceof TorrentLiveError;
}

/** Longest piece of a user's input an error message repeats: enough to recognise, never a megabyte. */
export const MAX_ECHOED_INPUT = 200;

/** Input quoted for an error message, cut to MAX_ECHOED_INPUT characters. */
export function echoInput(text: string): string {
  const quoted = JSON.stringify(text.length > MAX_ECHOED_INPUT ? `${text.slice(0, MAX_ECHOED_INPUT)}…` : text);
  return text.length > MAX_ECHOED_INPUT ? `${quoted} (${text.length} characters)` : quoted;
}
