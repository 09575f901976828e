/**
 * What the terminal shows so a phone can pair: the remote's URL with the pairing token, and the
 * same URL as a QR code. The token is printed only here (and kept in <store>/.torrent-live/pairing-token).
 */
import qrcode from 'qrcode-terminal';
import { PAIRING_QUERY } from '../server/auth.js';

/** `http://host:port/?token=…`: opening it once pairs the browser (the token becomes a cookie). */
export function pairingUrl(baseUrl: string, token: string): string {
  const url = new URL(baseUrl);
  url.pathname = '/';
  url.search = '';
  url.hash = '';
  url.searchParams.set(PAIRING_QUERY, token);
  return url.toString();
}

export function renderQr(text: string): Promise<string> {
  return new Promise((resolve) => qrcode.generate(text, { small: true }, resolve));
}

export interface PairingOutput {
  /** Base URLs phones can reach (LAN addresses first); the first one goes into the QR code. */
  urls: readonly string[];
  token: string;
  /** The URL for this machine itself, which needs no token. */
  localUrl?: string | undefined;
  /** Whether --new-token just replaced the old token (paired phones must pair again). */
  rotated?: boolean | undefined;
  /** Off for --json, where stdout carries NDJSON only. */
  qr?: boolean | undefined;
  write?: ((text: string) => void) | undefined;
  render?: ((text: string) => Promise<string>) | undefined;
}

/** The pairing block as text, for stderr (stdout stays clean for --json). */
export async function formatPairing(options: PairingOutput): Promise<string> {
  const lines: string[] = [];
  if (options.localUrl) lines.push(`Web remote on this machine: ${options.localUrl}`);
  if (options.urls.length === 0) {
    lines.push('No LAN address found: phones cannot reach the remote. Use --host and --interface to choose one.');
    return `${lines.join('\n')}\n`;
  }
  const links = options.urls.map((base) => pairingUrl(base, options.token));
  lines.push(options.rotated ? 'New pairing token: phones paired before must pair again.' : 'Pair a phone on the same network:');
  for (const link of links) lines.push(`  ${link}`);
  if (options.qr !== false) {
    lines.push('', 'or scan:', (await (options.render ?? renderQr)(links[0]!)).trimEnd());
  }
  lines.push('Keep this link private: it opens the remote and the API to anyone on your network.');
  return `${lines.join('\n')}\n`;
}

export async function printPairing(options: PairingOutput): Promise<void> {
  const text = await formatPairing(options);
  (options.write ?? ((t: string) => process.stderr.write(t)))(text);
}
