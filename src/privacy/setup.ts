/**
 * The privacy side of the service as the CLI runs it: blocklists loaded (a bad one stops the start
 * with E_BAD_BLOCKLIST before anything is written), the DNSBL check, the private lookup as the
 * engine's only PeerSource, the crawler when the user gave up freeriding, and the spy numbers.
 */
import type { EventBus } from '../events.js';
import type { UdpOpener } from '../route/udp-socket.js';
import { blocklistSet, loadBlocklist } from './blocklist.js';
import { startCrawler, type Crawler } from './crawler.js';
import { createDnsblCheck, parseDnsblZones } from './dnsbl.js';
import type { PeerSession, PeerSource } from './peer-source.js';
import { parseHostPort, PrivateLookupPeerSource, type PrivateLookupOptions } from './private-lookup.js';
import { SpyStats } from './spy-stats.js';
import type { SpyWatch } from './spy-watch.js';

export interface PrivacySettings {
  storeDir: string;
  dhtBootstrap: readonly string[];
  bindAddress: string | undefined;
  dhtPort: number;
  freerider: boolean;
  maxPeers: number;
  blocklists: readonly string[];
  dnsbl: readonly string[];
  /** Every DHT socket comes from the route (src/route/torrent-route.ts): proxied, bound or direct. */
  openUdp: UdpOpener;
  /** A proxy is set: torrent host names (bootstrap routers) are never looked up locally. */
  noLocalDns: boolean;
}

export interface Privacy {
  peerSource: PeerSource;
  watch: SpyWatch;
  stats: SpyStats;
  /** How many address ranges the loaded blocklists hold. */
  blocklistRanges: number;
  close(): Promise<void>;
}

export async function loadBlocklists(sources: readonly string[]): Promise<{ isBlocklisted?: (ip: string) => boolean; ranges: number }> {
  if (sources.length === 0) return { ranges: 0 };
  const lists = [];
  for (const s of sources) lists.push(await loadBlocklist(s));
  const set = blocklistSet(lists);
  return { isBlocklisted: (ip) => set.has(ip), ranges: lists.reduce((n, l) => n + l.ranges.length, 0) };
}

/** With a proxy a local DNS query would tell the resolver what the proxy hides; SOCKS5 UDP has no lookup of its own. */
const refuseLocalDns = async (name: string): Promise<string> => {
  throw Object.assign(new Error(`not resolved: ${name} is a host name and --proxy is set (a local DNS lookup would leak); give --dht-bootstrap as IP:PORT`), { code: 'a host name with --proxy: give IP:PORT' });
};

export async function lookupOptions(settings: PrivacySettings, bus: EventBus): Promise<{ options: PrivateLookupOptions; ranges: number }> {
  const { isBlocklisted, ranges } = await loadBlocklists(settings.blocklists);
  const dnsbl = createDnsblCheck(parseDnsblZones(settings.dnsbl));
  return {
    ranges,
    options: {
      bootstrap: settings.dhtBootstrap,
      bindAddress: settings.bindAddress,
      openUdp: settings.openUdp,
      ...(settings.noLocalDns ? { resolveHost: refuseLocalDns } : {}),
      dhtPort: settings.dhtPort,
      freerider: settings.freerider,
      maxPeers: settings.maxPeers,
      storeDir: settings.storeDir,
      bus,
      ...(isBlocklisted ? { isBlocklisted } : {}),
      dnsbl,
    },
  };
}

/** Not freeriding: a crawler per torrent answers queries near the infohash and flags heavy askers. */
class CrawlingPeerSource implements PeerSource {
  readonly #crawlers = new Map<string, Promise<Crawler | undefined>>();
  constructor(
    readonly inner: PrivateLookupPeerSource,
    readonly settings: PrivacySettings,
    readonly bus: EventBus,
  ) {}

  start(infoHash: string): PeerSession {
    if (!this.#crawlers.has(infoHash)) {
      const crawler = startCrawler({
        infoHash,
        bootstrap: this.settings.dhtBootstrap.map(parseHostPort),
        watch: this.inner.watch,
        bindAddress: this.settings.bindAddress,
        openUdp: this.settings.openUdp,
      }).catch((err: Error) => {
        this.bus.emit('warning', { message: `crawler for ${infoHash} did not start: ${err.message}` });
        return undefined;
      });
      this.#crawlers.set(infoHash, crawler);
    }
    return this.inner.start(infoHash);
  }

  async close(): Promise<void> {
    const crawlers = await Promise.all(this.#crawlers.values());
    await Promise.all(crawlers.map((c) => c?.close()));
    await this.inner.close();
  }
}

export async function startPrivacy(settings: PrivacySettings, bus: EventBus): Promise<Privacy> {
  const { options, ranges } = await lookupOptions(settings, bus);
  const lookup = new PrivateLookupPeerSource(options);
  const peerSource = settings.freerider ? lookup : new CrawlingPeerSource(lookup, settings, bus);
  const stats = new SpyStats({
    bus,
    counts: { active: () => lookup.watch.registry.active().length, suspects: () => lookup.watch.registry.suspects().length },
  });
  return {
    peerSource,
    watch: lookup.watch,
    stats,
    blocklistRanges: ranges,
    // Privacy made the PeerSource, so privacy closes it.
    close: async () => {
      stats.close();
      await peerSource.close();
    },
  };
}
