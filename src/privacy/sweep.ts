/**
 * One round of the private lookup (docs/ARCHITECTURE.md, the private lookup, steps 1-5) as a function over an open KRPC client:
 * walk toward a fresh decoy with a fresh node ID, record spies, vet the 40 closest, probe the
 * survivors with fresh decoys, and (only when asked) send the real get_peers to what is left.
 */
import { makeDecoy } from './decoy.js';
import { randomId, type RandomBytes } from './node-id.js';
import { estimateNetworkSize } from './network-size.js';
import { dnsblLookup, vetNodes, type NodeRecord, type VetReason } from './vet.js';
import { getPeersFrom, walk, type GetPeersAnswer, type WalkResult } from './walk.js';
import type { KrpcClient } from './krpc.js';
import type { CompactNode } from './compact.js';
import type { PeerAddress } from './peer-source.js';
import type { SpyReason } from './spy-registry.js';

export const PROBE_DECOYS = 1;

export interface SpyFinding {
  ip: string;
  port?: number;
  reason: SpyReason;
  /** What was seen, for the audit log. */
  evidence: string;
  decoy?: string;
}

export interface SweepOptions {
  krpc: KrpcClient;
  real: Buffer;
  bootstrap: readonly PeerAddress[];
  seeds?: readonly CompactNode[];
  randomBytes: RandomBytes;
  k?: number;
  probeDecoys?: number;
  sybilMarginBits?: number;
  isKnownSpy?: (ip: string) => boolean;
  isBlocklisted?: (ip: string) => boolean;
  isSuspect?: (ip: string) => boolean;
  dnsbl?: ((ip: string) => Promise<boolean>) | undefined;
  skip?: (addr: PeerAddress) => boolean;
  /** Ask the vetted survivors for the real infohash's peers. False in findspiesonly mode. */
  askReal: boolean;
}

export interface SweepResult {
  walk: WalkResult;
  networkSize: number;
  findings: SpyFinding[];
  vetted: NodeRecord[];
  dropped: Array<{ node: NodeRecord; reasons: VetReason[] }>;
  /** Answers to the real get_peers, in arrival order (empty when askReal is false). */
  answers: GetPeersAnswer[];
  /** Every node the real infohash was sent to. */
  askedReal: NodeRecord[];
}

const VET_TO_SPY: Partial<Record<VetReason, SpyReason>> = { sybil: 'sybil', 'multi-port': 'multi-port', dnsbl: 'dnsbl', 'decoy-values': 'decoy-values' };

function valuesFindings(node: NodeRecord, values: readonly PeerAddress[], decoyHex: string, stage: string): SpyFinding[] {
  const evidence = `${stage}: ${node.host}:${node.port} returned ${values.length} peer(s) for decoy ${decoyHex}`;
  return [
    { ip: node.host, port: node.port, reason: 'decoy-values', evidence, decoy: decoyHex },
    ...values.map((p) => ({ ip: p.host, port: p.port, reason: 'decoy-peer' as const, evidence, decoy: decoyHex })),
  ];
}

export async function sweep(opts: SweepOptions): Promise<SweepResult> {
  const decoy = makeDecoy(opts.real, { randomBytes: opts.randomBytes });
  const decoyHex = decoy.toString('hex');
  const result = await walk({
    krpc: opts.krpc,
    target: decoy,
    nodeId: randomId(opts.randomBytes),
    bootstrap: opts.bootstrap,
    ...(opts.seeds ? { seeds: opts.seeds } : {}),
    ...(opts.k ? { k: opts.k } : {}),
    ...(opts.skip ? { skip: opts.skip } : {}),
  });
  const findings: SpyFinding[] = [];
  for (const node of result.responded) if (node.values.length) findings.push(...valuesFindings(node, node.values, decoyHex, 'sweep'));

  const networkSize = estimateNetworkSize(decoy, result.closest.map((n) => n.id));
  const dnsblListed = opts.dnsbl ? await dnsblLookup(result.closest.map((n) => n.host), opts.dnsbl) : new Set<string>();
  const vet = vetNodes(result.closest, [decoy, opts.real], result.book, {
    networkSize,
    dnsblListed,
    ...(opts.sybilMarginBits !== undefined ? { sybilMarginBits: opts.sybilMarginBits } : {}),
    ...(opts.isKnownSpy ? { isKnownSpy: opts.isKnownSpy } : {}),
    ...(opts.isBlocklisted ? { isBlocklisted: opts.isBlocklisted } : {}),
    ...(opts.isSuspect ? { isSuspect: opts.isSuspect } : {}),
  });
  for (const { node, reasons } of vet.dropped) {
    for (const reason of reasons) {
      const spyReason = VET_TO_SPY[reason];
      if (!spyReason || spyReason === 'decoy-values') continue;
      const detail = reason === 'sybil' ? `node ID ${node.id.toString('hex')} is abnormally close to the target (estimated network ${Math.round(networkSize)} nodes, threshold ${vet.sybilThresholdBits.toFixed(1)} bits)` : reason === 'multi-port' ? `ports ${[...(result.book.ports.get(node.host) ?? [])].join(',')}, ${result.book.ids.get(node.host)?.size ?? 0} node IDs` : 'listed by DNSBL';
      findings.push({ ip: node.host, port: node.port, reason: spyReason, evidence: `sweep on decoy ${decoyHex}: ${detail}` });
    }
  }

  let survivors = vet.kept;
  const drop: SweepResult['dropped'] = [...vet.dropped];
  for (let i = 0; i < (opts.probeDecoys ?? PROBE_DECOYS) && survivors.length; i++) {
    const probe = makeDecoy(opts.real, { randomBytes: opts.randomBytes });
    const answers = await getPeersFrom(opts.krpc, survivors, probe, randomId(opts.randomBytes));
    const answered = new Set(answers.map((a) => a.node));
    for (const a of answers) {
      if (!a.values.length) continue;
      findings.push(...valuesFindings(a.node, a.values, probe.toString('hex'), 'probe'));
      drop.push({ node: a.node, reasons: ['decoy-values'] });
    }
    // A node that ignores the probe cannot be vouched for; it does not get the real question.
    survivors = survivors.filter((n) => answered.has(n) && !answers.some((a) => a.node === n && a.values.length));
  }

  const answers = opts.askReal && survivors.length ? await getPeersFrom(opts.krpc, survivors, opts.real, randomId(opts.randomBytes)) : [];
  return { walk: result, networkSize, findings, vetted: survivors, dropped: drop, answers, askedReal: opts.askReal ? survivors : [] };
}
