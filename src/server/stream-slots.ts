/**
 * How many /stream responses may be open at once, per client address and in all. Every open
 * response holds a read head (pieces fetched for it), buffers and a socket; a client that opens
 * thousands and never reads must be told no, clearly, instead of taking the memory of everyone.
 * Pure accounting: the route takes a slot per response and gives it back when the response closes.
 */

export interface StreamSlotLimits {
  perClient: number;
  total: number;
}

export type SlotGrant = { ok: true; release(): void } | { ok: false; scope: 'client' | 'total'; limit: number; open: number };

export class StreamSlots {
  readonly limits: StreamSlotLimits;
  #byClient = new Map<string, number>();
  #total = 0;

  constructor(limits: StreamSlotLimits) {
    this.limits = limits;
  }

  get open(): number {
    return this.#total;
  }

  openFor(client: string): number {
    return this.#byClient.get(client) ?? 0;
  }

  take(client: string): SlotGrant {
    const mine = this.openFor(client);
    if (mine >= this.limits.perClient) return { ok: false, scope: 'client', limit: this.limits.perClient, open: mine };
    if (this.#total >= this.limits.total) return { ok: false, scope: 'total', limit: this.limits.total, open: this.#total };
    this.#byClient.set(client, mine + 1);
    this.#total++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#total--;
        const left = this.openFor(client) - 1;
        if (left > 0) this.#byClient.set(client, left);
        else this.#byClient.delete(client);
      },
    };
  }
}

/** The JSON error's message and hint for a refusal. */
export function refusalText(refusal: Extract<SlotGrant, { ok: false }>): { message: string; hint: string } {
  return refusal.scope === 'client'
    ? {
        message: `this client already has ${refusal.open} streams open; at most ${refusal.limit} per client`,
        hint: 'close another player (or its other tabs) and retry: a stream holds its slot until its connection ends',
      }
    : {
        message: `the server already has ${refusal.open} streams open; at most ${refusal.limit} in all`,
        hint: 'retry shortly, when other players have stopped',
      };
}
