/**
 * One round of the private lookup (docs/ARCHITECTURE.md, the private lookup, steps 1-5) as a function over an open KRPC client:
 * walk toward a fresh decoy with a fresh node ID, record spies, vet the 40 closest, probe the
 * survivors with fresh decoys, and (only when asked) send the real get_peers to what is left.
 * The steps overlap rather than wait for each other's slowest node: probes go out with the walk,
 * each survivor is asked the real question after its own probe, some before the walk has
 * converged (see maybeAskEarly), and answers are handed on as they arrive (onAnswer).
 */
import { makeDecoy } from './decoy.js';
import { compareDistance, randomId, type RandomBytes } from './node-id.js';
import { estimateNetworkSize } from './network-size.js';
import { EARLY_FRONT_MIN, earlyVettingSize } from './early-ask.js';
import { vetNodes, type AddressBook, type NodeRecord, type VetReason, type WeakReason } from './vet.js';
import { getPeersOf, walk, WALK_CLOSEST, type GetPeersAnswer, type WalkResult } from './walk.js';
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

/** A node with one weak signal: kept from the real infohash, not listed (see vet.ts). */
export interface Suspicion {
  ip: string;
  port: number;
  reason: WeakReason;
  evidence: string;
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
  sybilListMarginBits?: number;
  isKnownSpy?: (ip: string) => boolean;
  isBlocklisted?: (ip: string) => boolean;
  isSuspect?: (ip: string) => boolean;
  weakSignals?: (ip: string) => ReadonlySet<string>;
  dnsbl?: ((ip: string) => Promise<boolean>) | undefined;
  skip?: (addr: PeerAddress) => boolean;
  /** The size an earlier converged walk estimated: early vetting takes the smaller (stricter) one. */
  knownNetworkSize?: number;
  /** Ask the vetted survivors for the real infohash's peers. False in findspiesonly mode. */
  askReal: boolean;
  /** Each answer to the real get_peers as it arrives, before the slowest node is heard from. */
  onAnswer?: (answer: GetPeersAnswer) => void;
}

export interface SweepResult {
  walk: WalkResult;
  networkSize: number;
  findings: SpyFinding[];
  suspicions: Suspicion[];
  /** Nodes that passed vetting and every probe. */
  vetted: NodeRecord[];
  dropped: Array<{ node: NodeRecord; reasons: VetReason[] }>;
  /** Answers to the real get_peers, in arrival order (empty when askReal is false). */
  answers: GetPeersAnswer[];
  /** Every node the real infohash was sent to. */
  askedReal: NodeRecord[];
  /** Nodes asked before the walk converged that the final vetting then dropped (the price of overlap). */
  askedEarlyThenDropped: number;
}

const VET_TO_SPY: Partial<Record<VetReason, SpyReason>> = { sybil: 'sybil', 'multi-port': 'multi-port', dnsbl: 'dnsbl', 'decoy-values': 'decoy-values', 'close-id': 'sybil', 'two-addresses': 'multi-port' };

function valuesFindings(node: NodeRecord, values: readonly PeerAddress[], decoyHex: string, stage: string): SpyFinding[] {
  const evidence = `${stage}: ${node.host}:${node.port} returned ${values.length} peer(s) for decoy ${decoyHex}`;
  return [
    { ip: node.host, port: node.port, reason: 'decoy-values', evidence, decoy: decoyHex },
    ...values.map((p) => ({ ip: p.host, port: p.port, reason: 'decoy-peer' as const, evidence, decoy: decoyHex })),
  ];
}

const keyOf = (n: PeerAddress) => `${n.host}:${n.port}`;

/**
 * The probes, one chain of fresh decoys per node, started as soon as a node answers the walk near
 * its front: by the time the walk has converged most vetted nodes are already probed, and the
 * real question follows each node's own probe answer instead of the slowest node's.
 */
class Prober {
  readonly #chains = new Map<string, Promise<boolean>>();
  readonly #decoys: Array<{ id: Buffer; nodeId: Buffer }>;
  readonly findings: SpyFinding[] = [];
  readonly caught = new Set<string>();

  constructor(readonly krpc: KrpcClient, real: Buffer, count: number, randomBytes: RandomBytes) {
    this.#decoys = Array.from({ length: count }, () => ({ id: makeDecoy(real, { randomBytes }), nodeId: randomId(randomBytes) }));
  }

  /** Resolves true when the node answered every probe decoy without values. */
  probe(node: NodeRecord): Promise<boolean> {
    const key = keyOf(node);
    let chain = this.#chains.get(key);
    if (!chain) {
      chain = this.#decoys.reduce<Promise<boolean>>(
        (prev, decoy) =>
          prev.then(async (clean) => {
            if (!clean) return false;
            const a = await getPeersOf(this.krpc, node, decoy.id, decoy.nodeId);
            // A node that ignores the probe cannot be vouched for; it does not get the real question.
            if (!a) return false;
            if (!a.values.length) return true;
            this.caught.add(key);
            this.findings.push(...valuesFindings(node, a.values, decoy.id.toString('hex'), 'probe'));
            return false;
          }),
        Promise.resolve(true),
      );
      this.#chains.set(key, chain);
    }
    return chain;
  }
}

/** The k closest responders so far, kept sorted: who is near enough the front to probe early. */
class Front {
  readonly #nodes: NodeRecord[] = [];
  constructor(readonly target: Buffer, readonly k: number) {}

  get size(): number {
    return this.#nodes.length;
  }

  has(node: NodeRecord): boolean {
    return this.#nodes.includes(node);
  }

  ids(): Buffer[] {
    return this.#nodes.map((n) => n.id);
  }

  /** Inserts the node; true when it is among the k closest seen so far. */
  admit(node: NodeRecord): boolean {
    let i = this.#nodes.length;
    while (i > 0 && compareDistance(this.target, node.id, this.#nodes[i - 1]!.id) < 0) i--;
    if (i >= this.k) return false;
    this.#nodes.splice(i, 0, node);
    if (this.#nodes.length > this.k) this.#nodes.pop();
    return true;
  }
}


export async function sweep(opts: SweepOptions): Promise<SweepResult> {
  const decoy = makeDecoy(opts.real, { randomBytes: opts.randomBytes });
  const decoyHex = decoy.toString('hex');
  const k = opts.k ?? WALK_CLOSEST;
  const prober = new Prober(opts.krpc, opts.real, opts.probeDecoys ?? PROBE_DECOYS, opts.randomBytes);
  const front = new Front(decoy, k);
  const dnsblAnswers = new Map<string, Promise<boolean>>();
  const dnsblOf = (ip: string) => {
    let p = dnsblAnswers.get(ip);
    if (!p) dnsblAnswers.set(ip, (p = opts.dnsbl!(ip).catch(() => false)));
    return p;
  };
  const realNodeId = randomId(opts.randomBytes);
  const answers: GetPeersAnswer[] = [];
  const askedReal: NodeRecord[] = [];
  const asked = new Set<string>();
  const askReal = async (node: NodeRecord) => {
    asked.add(keyOf(node));
    askedReal.push(node);
    const a = await getPeersOf(opts.krpc, node, opts.real, realNodeId);
    if (!a) return;
    answers.push(a);
    opts.onAnswer?.(a);
  };
  const ruleOptions = {
    ...(opts.sybilMarginBits !== undefined ? { sybilMarginBits: opts.sybilMarginBits } : {}),
    ...(opts.sybilListMarginBits !== undefined ? { sybilListMarginBits: opts.sybilListMarginBits } : {}),
    ...(opts.isKnownSpy ? { isKnownSpy: opts.isKnownSpy } : {}),
    ...(opts.isBlocklisted ? { isBlocklisted: opts.isBlocklisted } : {}),
    ...(opts.isSuspect ? { isSuspect: opts.isSuspect } : {}),
    ...(opts.weakSignals ? { weakSignals: opts.weakSignals } : {}),
  };
  let book: AddressBook | undefined;
  const early: Array<Promise<void>> = [];
  /**
   * The real question before the walk has converged, to a node that answered the walk and a probe
   * without values, is in the front, and passes vetting on what is known now. The size estimate
   * from a front still far from the target is low, so the closeness rule is stricter than at the
   * end, never looser; an IP seen with one address only (a multi-port spy lists its siblings in its
   * own answer, so they are known by the time its probe returns).
   */
  const waiting: NodeRecord[] = [];
  const maybeAskEarly = (node: NodeRecord) => {
    if (!book || asked.has(keyOf(node)) || !front.has(node)) return;
    const size = earlyVettingSize(front.size, () => estimateNetworkSize(decoy, front.ids()), opts.knownNetworkSize);
    // Probed clean before any estimate can be trusted (a cold walk's small front): checked again as it grows.
    if (size === undefined) return void waiting.push(node);
    const v = vetNodes([node], [decoy, opts.real], book, { networkSize: size, bep42MinKeep: 0, dnsblListed: new Set(), ...ruleOptions });
    if (v.kept.length !== 1) return;
    if (opts.dnsbl && !dnsblAnswers.has(node.host)) return;
    early.push((opts.dnsbl ? dnsblOf(node.host) : Promise.resolve(false)).then((listed) => (listed || asked.has(keyOf(node)) ? undefined : askReal(node))));
  };
  const result = await walk({
    krpc: opts.krpc,
    target: decoy,
    onBook: (b) => (book = b),
    nodeId: randomId(opts.randomBytes),
    bootstrap: opts.bootstrap,
    k,
    ...(opts.seeds ? { seeds: opts.seeds } : {}),
    ...(opts.skip ? { skip: opts.skip } : {}),
    // The probe goes out with the walk's own question: a node near the front that answers both
    // cleanly can get the real question one round trip later, not two.
    ...(opts.askReal ? { onAsk: (node: NodeRecord) => void prober.probe(node) } : {}),
    onResponse: (node) => {
      if (node.values.length || !front.admit(node)) return;
      if (front.size >= EARLY_FRONT_MIN) waiting.splice(0).forEach(maybeAskEarly);
      if (opts.dnsbl) void dnsblOf(node.host);
      if (opts.askReal) void prober.probe(node).then((clean) => clean && maybeAskEarly(node));
    },
  });
  book = undefined;
  const findings: SpyFinding[] = [];
  for (const node of result.responded) if (node.values.length) findings.push(...valuesFindings(node, node.values, decoyHex, 'sweep'));

  const networkSize = estimateNetworkSize(decoy, result.closest.map((n) => n.id));
  const dnsblListed = new Set<string>();
  if (opts.dnsbl) await Promise.all(result.closest.map(async (n) => (await dnsblOf(n.host)) && dnsblListed.add(n.host)));
  const vet = vetNodes(result.closest, [decoy, opts.real], result.book, { networkSize, dnsblListed, ...ruleOptions });
  const suspicions: Suspicion[] = [];
  const evidenceOf = (node: NodeRecord, reason: VetReason) =>
    reason === 'sybil' || reason === 'close-id'
      ? `node ID ${node.id.toString('hex')} shares more than ${(reason === 'sybil' ? vet.sybilListThresholdBits : vet.sybilThresholdBits).toFixed(1)} bits with the target (estimated network ${Math.round(networkSize)} nodes)`
      : reason === 'multi-port' || reason === 'two-addresses'
        ? `ports ${[...(result.book.ports.get(node.host) ?? [])].join(',')}, ${result.book.ids.get(node.host)?.size ?? 0} node IDs`
        : 'listed by DNSBL';
  for (const { node, reasons, verdict } of vet.dropped) {
    for (const reason of reasons) {
      if (verdict === 'suspect' && (reason === 'close-id' || reason === 'two-addresses')) {
        suspicions.push({ ip: node.host, port: node.port, reason, evidence: `sweep on decoy ${decoyHex}: ${evidenceOf(node, reason)}` });
        continue;
      }
      const spyReason = VET_TO_SPY[reason];
      if (verdict !== 'spy' || !spyReason || spyReason === 'decoy-values') continue;
      findings.push({ ip: node.host, port: node.port, reason: spyReason, evidence: `sweep on decoy ${decoyHex}: ${evidenceOf(node, reason)}` });
    }
  }

  const drop: SweepResult['dropped'] = [...vet.dropped];
  const vetted: NodeRecord[] = [];
  // Each survivor goes from its probe to the real question on its own; none waits for the others.
  await Promise.all([
    ...early,
    ...vet.kept.map(async (node) => {
      if (!(await prober.probe(node))) {
        if (prober.caught.has(keyOf(node))) drop.push({ node, reasons: ['decoy-values'] });
        return;
      }
      vetted.push(node);
      if (opts.askReal && !asked.has(keyOf(node))) await askReal(node);
    }),
  ]);
  findings.push(...prober.findings);
  const keptKeys = new Set(vet.kept.map(keyOf));
  const askedEarlyThenDropped = askedReal.filter((n) => !keptKeys.has(keyOf(n)) && vet.dropped.some((d) => keyOf(d.node) === keyOf(n))).length;
  return { walk: result, networkSize, findings, suspicions, vetted, dropped: drop, answers, askedReal, askedEarlyThenDropped };
}
