/**
 * `--proxy socks5://[user:pass@]host:port` (or socks5h://) as data. Pure, so every malformed
 * form is unit-tested; the CLI turns a thrown message into exit 2.
 *
 * Both schemes leave every torrent host name (the DHT bootstrap routers) to the proxy: a local
 * lookup would tell the resolver what the proxy is meant to hide. socks5h is accepted because
 * that is how curl and others spell "the proxy resolves"; here socks5 means the same.
 */
import net from 'node:net';

export type ProxyScheme = 'socks5' | 'socks5h';

export interface ProxySpec {
  scheme: ProxyScheme;
  host: string;
  port: number;
  /** RFC 1929 username/password; both or neither. */
  username?: string;
  password?: string;
}

/** RFC 1929 caps each of username and password at 255 bytes. */
const MAX_CREDENTIAL_BYTES = 255;

export function parseProxyUrl(text: string): ProxySpec {
  const shown = text.length > 120 ? `${text.slice(0, 120)}...` : text;
  const fail = (why: string): never => {
    throw new Error(`--proxy ${JSON.stringify(redact(shown))}: ${why}; the form is socks5://[user:pass@]host:port or socks5h://...`);
  };
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/s.exec(text);
  if (!m) return fail('not a URL');
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'socks5' && scheme !== 'socks5h') return fail(`unsupported scheme "${scheme}" (only socks5 and socks5h: HTTP and SOCKS4 proxies cannot carry UDP for the DHT)`);
  let rest = m[2]!;
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (/[/?#\s]/.test(rest)) return fail('nothing may follow host:port');
  let username: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const creds = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = creds.indexOf(':');
    if (colon < 0) return fail('credentials must be user:pass');
    try {
      username = decodeURIComponent(creds.slice(0, colon));
      password = decodeURIComponent(creds.slice(colon + 1));
    } catch {
      return fail('bad %-escape in the credentials');
    }
    if (username === '' || Buffer.byteLength(username) > MAX_CREDENTIAL_BYTES || Buffer.byteLength(password) > MAX_CREDENTIAL_BYTES) return fail(`user and password must be 1 to ${MAX_CREDENTIAL_BYTES} bytes`);
  }
  let host: string;
  let portText: string;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(rest);
  if (v6) {
    host = v6[1]!;
    portText = v6[2]!;
    if (net.isIPv6(host) === false) return fail(`"${host}" is not an IPv6 address`);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon <= 0) return fail('a port is required (host:port)');
    host = rest.slice(0, colon);
    portText = rest.slice(colon + 1);
    if (!net.isIPv4(host) && !/^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(host)) return fail(`"${host.slice(0, 60)}" is not a host name or IPv4 address`);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) return fail(`port must be 1 to 65535, got "${portText.slice(0, 10)}"`);
  return { scheme, host, port: Number(portText), ...(username !== undefined ? { username, password: password! } : {}) };
}

/** How the proxy is named to the user: never with its password. */
export function proxyLabel(spec: Pick<ProxySpec, 'host' | 'port'>): string {
  return spec.host.includes(':') ? `[${spec.host}]:${spec.port}` : `${spec.host}:${spec.port}`;
}

/** A URL with its password replaced, for messages. */
export function redact(text: string): string {
  return text.replace(/(\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}
