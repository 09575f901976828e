/**
 * argv to a command: pure, so every form (the 2015 `freerider.js` one included) is unit-tested.
 *   torrent-live <source>[-<source>...] [path] [mp4|webm] [ffmpeg_path]
 *   torrent-live <source> findspiesonly
 *   torrent-live devices | cast <source> --device X | serve | demo | export-strm DIR
 */
import net from 'node:net';
import { parseArgs } from 'node:util';
import { buildConfig, type Config, type ConfigOverrides, type TranscodeFormat } from '../config.js';
import { TorrentLiveError } from '../errors.js';
import { parseProxyUrl, type ProxySpec } from '../route/proxy-url.js';
import { ENCRYPTION_POLICIES, type EncryptionPolicy } from '../transport/dial-plan.js';

export type Command =
  | { mode: 'stream'; sources: string; config: Readonly<Config> }
  | { mode: 'findspiesonly'; sources: string; config: Readonly<Config> }
  | { mode: 'cast'; sources: string; device: string; config: Readonly<Config> }
  | { mode: 'devices'; config: Readonly<Config> }
  | { mode: 'serve'; config: Readonly<Config> }
  | { mode: 'demo'; config: Readonly<Config> }
  | { mode: 'export-strm'; dir: string; config: Readonly<Config> }
  | { mode: 'help' }
  | { mode: 'version' };

export const OPTIONS = {
  store: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  bind: { type: 'string' },
  'bind-interface': { type: 'string' },
  proxy: { type: 'string' },
  'dht-port': { type: 'string' },
  'dht-bootstrap': { type: 'string' },
  blocklist: { type: 'string', multiple: true },
  'no-freerider': { type: 'boolean' },
  'max-peers': { type: 'string' },
  encryption: { type: 'string' },
  'no-utp': { type: 'boolean' },
  dnsbl: { type: 'string' },
  interface: { type: 'string' },
  ffmpeg: { type: 'string' },
  'dlna-name': { type: 'string' },
  json: { type: 'boolean' },
  'new-token': { type: 'boolean' },
  device: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

const SUBCOMMANDS = new Set(['devices', 'cast', 'serve', 'demo', 'export-strm', 'help']);

function bad(message: string): never {
  throw new TorrentLiveError('E_BAD_ARGUMENT', message);
}

function integer(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) bad(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return Number(text);
}

/** UPnP caps friendlyName at 64 characters; a control character would garble every TV's list. */
function dlnaName(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const name = text.trim();
  if (name === '' || name.length > 64 || /[\u0000-\u001f\u007f]/.test(name)) bad(`--dlna-name takes 1 to 64 printable characters, got ${JSON.stringify(text.slice(0, 80))}`);
  return name;
}

function encryptionPolicy(text: string | undefined): EncryptionPolicy | undefined {
  if (text === undefined) return undefined;
  if (!(ENCRYPTION_POLICIES as readonly string[]).includes(text)) bad(`--encryption takes ${ENCRYPTION_POLICIES.join(', ')}, got "${text.slice(0, 40)}"`);
  return text as EncryptionPolicy;
}

function hostPortList(name: string, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) if (!/^[^\s:]+:\d{1,5}$/.test(item) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(item)) bad(`--${name} takes HOST:PORT[,HOST:PORT...], got "${item}"`);
  return items;
}

function proxySpec(text: string | undefined): ProxySpec | undefined {
  if (text === undefined) return undefined;
  try {
    return parseProxyUrl(text);
  } catch (err) {
    return bad((err as Error).message);
  }
}

/** An interface name as the kernel allows it (IFNAMSIZ 16, no '/' or whitespace). */
function interfaceName(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^[A-Za-z0-9_.:@-]{1,15}$/.test(text)) bad(`--bind-interface takes an interface name (1 to 15 letters, digits, . _ - : @), got ${JSON.stringify(text.slice(0, 40))}`);
  return text;
}

export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    bad(err instanceof Error ? err.message : String(err));
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { mode: 'help' };
  if (v.version) return { mode: 'version' };
  if (positionals.length === 0) return { mode: 'help' };

  const dnsbl = v.dnsbl === undefined || v.dnsbl === 'none' ? [] : v.dnsbl.split(',').map((s) => s.trim()).filter(Boolean);
  const common: ConfigOverrides = {
    storeDir: v.store,
    httpPort: integer('port', v.port, 0, 65535),
    httpHost: v.host,
    bindAddress: v.bind,
    bindInterface: interfaceName(v['bind-interface']),
    proxy: proxySpec(v.proxy),
    dhtPort: integer('dht-port', v['dht-port'], 0, 65535),
    dhtBootstrap: hostPortList('dht-bootstrap', v['dht-bootstrap']),
    blocklists: v.blocklist,
    freerider: v['no-freerider'] ? false : undefined,
    maxPeers: integer('max-peers', v['max-peers'], 1, 500),
    encryption: encryptionPolicy(v.encryption),
    utp: v['no-utp'] ? false : undefined,
    dnsbl,
    interface: v.interface,
    ffmpegPath: v.ffmpeg,
    dlnaName: dlnaName(v['dlna-name']),
    json: v.json,
    newToken: v['new-token'],
  };

  // DNSBL queries name the DHT nodes we talk to and go to the system resolver, past the proxy.
  if (v.proxy !== undefined && dnsbl.length) bad('--dnsbl cannot be combined with --proxy: its DNS queries name the DHT nodes we talk to and would go to your resolver directly, not through the proxy');
  if (v.bind !== undefined && v['bind-interface'] !== undefined) bad('give --bind ADDR or --bind-interface NAME, not both');
  if (v.bind !== undefined && !net.isIP(v.bind)) bad(`--bind takes an IP address of this machine, got ${JSON.stringify(v.bind.slice(0, 60))}`);
  const [first, ...rest] = positionals as [string, ...string[]];
  if (SUBCOMMANDS.has(first)) {
    switch (first) {
      case 'help':
        return { mode: 'help' };
      case 'devices':
      case 'serve':
      case 'demo':
        if (rest.length) bad(`${first} takes no positional arguments, got "${rest.join(' ')}"`);
        return { mode: first, config: buildConfig(common) };
      case 'export-strm':
        if (rest.length !== 1) bad('export-strm takes one folder: torrent-live export-strm DIR');
        return { mode: 'export-strm', dir: rest[0]!, config: buildConfig(common) };
      case 'cast':
        if (rest.length !== 1) bad('cast takes one source: torrent-live cast <source> --device <id|name>');
        if (!v.device) bad('cast needs --device <id|name> (list them with `torrent-live devices`)');
        return { mode: 'cast', sources: rest[0]!, device: v.device, config: buildConfig(common) };
    }
  }

  // The 2015 form: <source> [path] [mp4|webm] [ffmpeg_path], or <source> findspiesonly.
  if (rest[0] === 'findspiesonly') {
    if (rest.length > 1) bad(`findspiesonly takes nothing after it, got "${rest.slice(1).join(' ')}"`);
    return { mode: 'findspiesonly', sources: first, config: buildConfig(common) };
  }
  let i = 0;
  let storeDir = common.storeDir;
  let transcode: TranscodeFormat | undefined;
  let ffmpegPath = common.ffmpegPath;
  if (rest[i] !== undefined && rest[i] !== 'mp4' && rest[i] !== 'webm') storeDir = rest[i++];
  if (rest[i] === 'mp4' || rest[i] === 'webm') transcode = rest[i++] as TranscodeFormat;
  if (rest[i] !== undefined && transcode) ffmpegPath = rest[i++];
  if (i < rest.length) bad(`unexpected "${rest.slice(i).join(' ')}": the form is <source> [path] [mp4|webm] [ffmpeg_path]`);
  return { mode: 'stream', sources: first, config: buildConfig({ ...common, storeDir, transcode, ffmpegPath }) };
}

export const USAGE = `torrent-live: private, DHT-only BitTorrent streaming to your browser and TV

Usage:
  torrent-live <source>[-<source>...] [path] [mp4|webm] [ffmpeg_path]
  torrent-live <source> findspiesonly
  torrent-live demo                      a loopback swarm around a sample video (no network)
  torrent-live serve                     the service and web remote, no torrent yet
  torrent-live devices                   list the TVs found on the network
  torrent-live cast <source> --device <id|name>
  torrent-live export-strm DIR           .strm files for Jellyfin/Emby libraries

A source is a 40-hex or 32-base32 infohash, a magnet URI, or a path to a .torrent file.

Options:
  --store DIR               where files are written (default ./store)
  --port N                  HTTP port (default 8888)
  --host ADDR               HTTP bind address (default 0.0.0.0)
  --bind ADDR               local address for DHT UDP and peer TCP; a kill switch:
                            torrent traffic stops while the address is gone
  --bind-interface NAME     the same, following NAME's IPv4 address (e.g. tun0)
  --proxy URL               socks5://[user:pass@]host:port (or socks5h://): every
                            peer connection and DHT message through it; uTP off
  --dht-port N              DHT UDP port (default: any)
  --dht-bootstrap H:P[,..]  DHT routers (default: the public routers)
  --blocklist FILE|URL      p2p/dat/CIDR blocklist, gzip ok (repeatable)
  --no-freerider            answer DHT queries, listen and upload
  --max-peers N             peers to keep connected (default 20)
  --encryption MODE         prefer|require|off: MSE/RC4 on peer links (default prefer)
                            prefer: one plaintext redial for a peer that refuses
                            MSE; require: never plaintext; off: never MSE
  --no-utp                  dial peers over TCP only, not TCP and uTP
  --dnsbl ZONE[,ZONE]|none  DNS blocklists used to vet DHT nodes
  --interface NAME|ADDR     where TVs are discovered and which address cast URLs carry
  --ffmpeg PATH             ffmpeg binary for transcoding
  --dlna-name NAME          the DLNA server's name on TVs (default: torrent-live (<host>:<port>))
  --json                    NDJSON events on stdout
  --new-token               rotate the pairing token
  -h, --help                this text
  -v, --version             the version
Exit codes: 0 done, 1 runtime failure, 2 bad arguments or source.`;
