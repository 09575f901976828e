/**
 * Every error the program reports, with a stable code. The CLI maps `exitCode` to the process
 * exit status; a test checks each code is documented in README.md.
 */
export const ERRORS = {
  E_BAD_SOURCE: { exitCode: 2, hint: 'give a 40-hex or 32-base32 infohash, a magnet URI or a path to a .torrent file' },
  E_BAD_TORRENT: { exitCode: 2, hint: 'the .torrent file is truncated or not a torrent; download it again' },
  E_BAD_ARGUMENT: { exitCode: 2, hint: 'see `torrent-live --help`' },
  E_UNSAFE_PATH: { exitCode: 2, hint: 'the torrent names a file outside the store; it is refused' },
  E_NOT_FOUND: { exitCode: 1, hint: 'list what is loaded with GET /api/torrents' },
  E_BAD_RANGE: { exitCode: 1, hint: 'the Range header must lie inside the file' },
  E_NO_FFMPEG: { exitCode: 1, hint: 'install ffmpeg or pass its path with --ffmpeg; the original stream still works' },
  E_NO_PEERS: { exitCode: 1, hint: 'no peer was found through the DHT; check --dht-bootstrap and the network' },
  E_PORT_IN_USE: { exitCode: 1, hint: 'choose another port with --port' },
  E_STORE: { exitCode: 1, hint: 'check that the --store folder is writable and has free space' },
  E_UNAUTHORIZED: { exitCode: 1, hint: 'open the URL with the pairing token the terminal prints (or scan its QR code)' },
  E_BAD_HOST: { exitCode: 1, hint: 'use the address the terminal prints; other host names are refused (DNS rebinding)' },
  E_CROSS_ORIGIN: { exitCode: 1, hint: 'state-changing requests must come from the web remote itself' },
  E_BAD_BLOCKLIST: { exitCode: 2, hint: 'give a readable PeerGuardian p2p, dat or CIDR list (gzip ok) to --blocklist' },
  E_BUSY: { exitCode: 1, hint: 'all transcodes are in use; retry shortly or play the original stream' },
  E_TRANSCODE: { exitCode: 1, hint: 'ffmpeg failed; play the original stream or try the other format' },
  E_DEVICE_NOT_FOUND: { exitCode: 1, hint: 'list the TVs with `torrent-live devices`; check --interface and that the TV is on' },
  E_DEVICE_TIMEOUT: { exitCode: 1, hint: 'the TV stopped answering; check it is on and on the same network' },
  E_DEVICE_REFUSED: { exitCode: 1, hint: 'the TV refused the connection or the command; restart it or pick another' },
  E_DEVICE_UNREACHABLE: { exitCode: 1, hint: 'the TV cannot be reached; check --interface and the network' },
  E_BAD_DESCRIPTION: { exitCode: 1, hint: 'the device sent an unusable description; it is ignored' },
  E_TOO_LARGE: { exitCode: 2, hint: 'the upload is larger than the server accepts' },
} as const satisfies Record<string, { exitCode: number; hint: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class TorrentLiveError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  readonly hint: string;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TorrentLiveError';
    this.code = code;
    this.exitCode = ERRORS[code].exitCode;
    this.hint = ERRORS[code].hint;
  }
}

export function isTorrentLiveError(err: unknown): err is TorrentLiveError {
  return err instanceof TorrentLiveError;
}
