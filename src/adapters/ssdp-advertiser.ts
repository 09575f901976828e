/**
 * Announces the DLNA media server over SSDP on one interface: answers M-SEARCH, sends NOTIFY
 * alive on start and periodically, byebye on close.
 *
 * Two sockets: the listener binds the multicast group address itself, so it only sees datagrams
 * sent to the group (not unicast to port 1900 from anywhere); the sender binds the interface
 * address, so answers and NOTIFYs leave from, and only from, the chosen interface.
 */
import dgram from 'node:dgram';
import os from 'node:os';
import { isIP } from 'node:net';
import { TorrentLiveError } from '../errors.js';
import type { AdapterLog } from './dlna-server.js';
import { advertisements, matchSearch } from './ssdp-messages.js';
import {
  buildNotify, buildSearchResponse, MAX_SSDP_AMPLIFICATION, onLinkOf, parseSearchRequest, parseSsdpMessage, SourceBudget, SSDP_ADDRESS, SSDP_PORT, type SsdpIdentity,
} from '@torrent-live/casting';
import { DLNA_PATHS } from './upnp-descriptions.js';
import { PACKAGE_VERSION } from '../version.js';

export interface SsdpAdvertiserOptions {
  /** IPv4 address of the interface to announce on (and the one LOCATION points at). */
  interfaceAddress: string;
  httpPort: number;
  udn: string;
  maxAgeSeconds?: number;
  /** Tests only: another port than 1900. */
  ssdpPort?: number;
  log?: AdapterLog;
  /** Injected for tests: picks the delay before an answer, within MX. */
  random?: () => number;
  /** Which senders are on the LAN (default: the advertised interface's subnet). */
  isOnLink?: (address: string) => boolean;
  /** Answers per source (default: a burst of 4, then one every 2 s). */
  budget?: SourceBudget;
}

export interface SsdpAdvertiser {
  location: string;
  close(): Promise<void>;
}

export async function startSsdpAdvertiser(opts: SsdpAdvertiserOptions): Promise<SsdpAdvertiser> {
  if (isIP(opts.interfaceAddress) !== 4) {
    throw new TorrentLiveError('E_BAD_ARGUMENT', `SSDP needs an IPv4 interface address, not ${JSON.stringify(opts.interfaceAddress)}; pass one with --interface`);
  }
  const port = opts.ssdpPort ?? SSDP_PORT;
  const location = `http://${opts.interfaceAddress}:${opts.httpPort}${DLNA_PATHS.description}`;
  const identity: SsdpIdentity = {
    location,
    // No kernel release: the LAN needs no more than the OS name to talk UPnP to us.
    server: `${os.type()} UPnP/1.0 torrent-live/${PACKAGE_VERSION}`,
    maxAgeSeconds: opts.maxAgeSeconds ?? 1800,
  };
  const random = opts.random ?? Math.random;
  const isOnLink = opts.isOnLink ?? onLinkOf(os.networkInterfaces(), [opts.interfaceAddress]);
  const budget = opts.budget ?? new SourceBudget({ burst: 4, refillPerSecond: 0.5, maxSources: 1024 });
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const sender = dgram.createSocket({ type: 'udp4' });
  const listener = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const onSocketError = (err: Error) => opts.log?.('ssdp_socket_error', { message: err.message });
  sender.on('error', onSocketError);
  listener.on('error', onSocketError);
  try {
    await bind(sender, 0, opts.interfaceAddress);
    sender.setMulticastInterface(opts.interfaceAddress);
    sender.setMulticastTTL(2);
    sender.setMulticastLoopback(true);
    await bind(listener, port, SSDP_ADDRESS);
    listener.addMembership(SSDP_ADDRESS, opts.interfaceAddress);
  } catch (err) {
    sender.close();
    listener.close();
    throw new TorrentLiveError('E_PORT_IN_USE', `cannot listen for SSDP on ${opts.interfaceAddress} port ${port}: ${(err as Error).message}`, { cause: err });
  }

  const send = (text: string, toPort: number, toAddress: string): Promise<void> =>
    new Promise((resolve) => {
      if (closed) return resolve();
      sender.send(text, toPort, toAddress, (err) => {
        if (err) opts.log?.('ssdp_send_failed', { to: `${toAddress}:${toPort}`, message: err.message });
        resolve();
      });
    });
  const later = (ms: number, run: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      run();
    }, ms);
    t.unref();
    timers.add(t);
  };

  listener.on('message', (data, from) => {
    const msg = parseSsdpMessage(data);
    const search = msg && parseSearchRequest(msg);
    if (!search) return;
    const answers = matchSearch(search.st, opts.udn);
    if (answers.length === 0) return;
    const sender = `${from.address}:${from.port}`;
    // Answers go unicast to whatever source the datagram claims: only LAN senders, within their
    // budget, and never more bytes than MAX_SSDP_AMPLIFICATION times what they sent.
    if (!isOnLink(from.address)) return opts.log?.('ssdp_search_ignored', { from: sender, reason: 'not on the advertised subnet' });
    const replies = answers.map((ad) => buildSearchResponse(ad, identity, new Date()));
    const replyBytes = replies.reduce((n, r) => n + Buffer.byteLength(r), 0);
    if (replyBytes > MAX_SSDP_AMPLIFICATION * data.length) return opts.log?.('ssdp_search_ignored', { from: sender, reason: `a ${data.length}-byte search for ${replyBytes} bytes of answers` });
    if (!budget.take(from.address, answers.length)) return opts.log?.('ssdp_search_ignored', { from: sender, reason: 'over its answer budget' });
    opts.log?.('ssdp_search', { from: sender, st: search.st });
    // UDA: answer after a random delay within MX, so a whole LAN does not answer at once.
    later(Math.floor(random() * search.mxSeconds * 1000), () => {
      for (const reply of replies) void send(reply, from.port, from.address);
    });
  });

  const announce = async (kind: 'ssdp:alive' | 'ssdp:byebye'): Promise<void> => {
    await Promise.all(advertisements(opts.udn).map((ad) => send(buildNotify(ad, identity, kind), port, SSDP_ADDRESS)));
  };
  void announce('ssdp:alive');
  const refresh = setInterval(() => void announce('ssdp:alive'), (identity.maxAgeSeconds * 1000) / 3);
  refresh.unref();
  opts.log?.('ssdp_advertising', { interface: opts.interfaceAddress, location });

  return {
    location,
    close: async () => {
      if (closed) return;
      clearInterval(refresh);
      timers.forEach(clearTimeout);
      timers.clear();
      // The byebyes leave before the sockets go.
      await announce('ssdp:byebye');
      closed = true;
      await Promise.all([closeSocket(sender), closeSocket(listener)]);
    },
  };
}

function bind(socket: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
