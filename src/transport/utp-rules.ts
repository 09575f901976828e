/**
 * The uTP transport's decisions, kept apart from its sockets so they are tested without one:
 * which addresses utp-native can use, what a libutp error means for a dial, and when the socket
 * must refuse incoming connections.
 */
import net from 'node:net';
import type { DialFailure, DialTarget } from './transport.js';

/**
 * What a libutp error during a dial (before the connection is established) means. libutp reports
 * three errors (utp-native names them): a ST_RESET from the peer, its own retransmission give-up
 * (the ST_SYN after 3 sends in ~21 s), and anything else. A ST_RESET to our ST_SYN is a refusal,
 * but the libutp inside utp-native 2.5.3 names it UTP_ECONNRESET (it overwrites the CS_SYN_SENT
 * state before testing it), so both names mean 'refused' here. A closed UDP port is not
 * 'refused': Linux reports ICMP port-unreachable only to connected or IP_RECVERR sockets and
 * libuv sets neither, so it looks exactly like a silent host.
 */
export function dialFailureFromUtpError(code: string | undefined): DialFailure {
  switch (code) {
    case 'UTP_ECONNREFUSED':
    case 'UTP_ECONNRESET':
      return 'refused';
    case 'UTP_ETIMEDOUT':
      return 'timeout';
    default:
      return 'unreachable';
  }
}

/**
 * Why utp-native cannot dial `target`, or null. It speaks IPv4 only, and given a name it would
 * resolve it through the system resolver: a DNS query that says whom we talk to, so names are
 * refused here rather than resolved behind the privacy layer's back.
 */
export function dialTargetProblem(target: DialTarget): string | null {
  if (!net.isIPv4(target.host)) {
    const what = net.isIPv6(target.host) ? 'an IPv6 address' : 'not an IP address';
    return `uTP cannot dial ${target.host}:${target.port}: ${what}; utp-native speaks IPv4 only (dial it over TCP)`;
  }
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    return `uTP cannot dial ${target.host}:${target.port}: the port must be an integer from 1 to 65535`;
  }
  return null;
}

/** Why the transport cannot bind `address` (the --bind value), or null. */
export function bindAddressProblem(address: string | undefined): string | null {
  if (address === undefined || net.isIPv4(address)) return null;
  return `uTP cannot bind ${address}: utp-native binds IPv4 addresses only; give --bind an IPv4 address or leave it out`;
}

export interface IncomingState {
  /** close() has begun. */
  closing: boolean;
  /** An acceptIncoming handler was given (--no-freerider). */
  accepting: boolean;
  /** Incoming connections alive now, including those still waiting for their first data. */
  incoming: number;
  maxIncoming: number;
}

/**
 * Whether libutp must drop incoming ST_SYN. A freerider never accepts; otherwise the count is
 * capped, because every accepted connection costs a 128 KiB receive buffer in utp-native and a
 * SYN from a spoofed address is accepted before the remote proves anything.
 */
export function shouldBlockIncoming(state: IncomingState): boolean {
  return state.closing || !state.accepting || state.incoming >= state.maxIncoming;
}
