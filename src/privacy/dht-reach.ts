/**
 * When no DHT node answers (offline, firewalled, a bootstrap name that does not resolve), the user
 * must hear it within seconds, with what was tried, instead of watching "0 peers" forever. The
 * lookup keeps retrying with a growing pause, so it recovers by itself when the network returns.
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import type { PeerAddress } from './peer-source.js';

/** First pause after a lookup that reached no node; doubles up to the max. */
export const UNREACHABLE_RETRY_MS = 2_000;
export const UNREACHABLE_RETRY_MAX_MS = 120_000;

/** A name that has not resolved by then counts as unresolved: an offline resolver can hang far longer. */
export const RESOLVE_TIMEOUT_MS = 3_000;

/** Resolves a host name to one IPv4/IPv6 address (injectable: tests must not touch real DNS). */
export type ResolveHost = (name: string) => Promise<string>;
export const defaultResolveHost: ResolveHost = async (name) => (await dns.lookup(name)).address;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEOUT' })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface ResolvedBootstrap {
  nodes: PeerAddress[];
  /** "name (why)" for each name that did not resolve. */
  unresolved: string[];
}

export async function resolveBootstrap(entries: readonly PeerAddress[], resolve: ResolveHost, timeoutMs = RESOLVE_TIMEOUT_MS): Promise<ResolvedBootstrap> {
  const nodes: PeerAddress[] = [];
  const unresolved: string[] = [];
  await Promise.all(
    entries.map(async (e) => {
      if (net.isIP(e.host)) return nodes.push(e);
      try {
        nodes.push({ host: await withTimeout(resolve(e.host), timeoutMs), port: e.port });
      } catch (err) {
        unresolved.push(`${e.host}:${e.port} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    }),
  );
  return { nodes, unresolved };
}

export function retryDelayMs(failures: number): number {
  return Math.min(UNREACHABLE_RETRY_MAX_MS, UNREACHABLE_RETRY_MS * 2 ** Math.max(0, failures - 1));
}

const list = (items: readonly string[], max = 8) => (items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', '));

/** The warning shown when a lookup reached no DHT node. */
export function unreachableMessage(tried: { unresolved: readonly string[]; silent: ReadonlyArray<PeerAddress & { why: string }>; retryInMs: number }): string {
  const parts: string[] = [];
  if (tried.unresolved.length) parts.push(`bootstrap names that did not resolve: ${list(tried.unresolved)}`);
  const timedOut = tried.silent.filter((s) => s.why === 'timed out').map((s) => `${s.host}:${s.port}`);
  const failed = tried.silent.filter((s) => s.why !== 'timed out').map((s) => `${s.host}:${s.port} (${s.why})`);
  if (timedOut.length) parts.push(`nodes that timed out: ${list(timedOut)}`);
  if (failed.length) parts.push(`nodes that could not be reached: ${list(failed)}`);
  if (!parts.length) parts.push('no bootstrap node to ask');
  return `no DHT node answered; ${parts.join('; ')}. Check the network and --dht-bootstrap; retrying in ${Math.round(tried.retryInMs / 1000)} s`;
}
