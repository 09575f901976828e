/** IPv4 addresses as unsigned 32-bit numbers, and sorted range sets over them. */
import net from 'node:net';

export function ipv4ToNumber(ip: string): number | null {
  if (!net.isIPv4(ip)) return null;
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

export function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

export interface IpRange {
  start: number;
  end: number;
  name: string;
}

/** A set of IPv4 ranges, merged and sorted so a lookup is a binary search. */
export class IpRangeSet {
  readonly #starts: number[] = [];
  readonly #ends: number[] = [];

  constructor(ranges: Iterable<IpRange>) {
    const sorted = [...ranges].sort((a, b) => a.start - b.start);
    for (const r of sorted) {
      const last = this.#ends.length - 1;
      if (last >= 0 && r.start <= this.#ends[last]! + 1) this.#ends[last] = Math.max(this.#ends[last]!, r.end);
      else {
        this.#starts.push(r.start);
        this.#ends.push(r.end);
      }
    }
  }

  get size(): number {
    return this.#starts.length;
  }

  has(ip: string): boolean {
    const n = ipv4ToNumber(ip.startsWith('::ffff:') ? ip.slice(7) : ip);
    if (n === null) return false;
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (n < this.#starts[mid]!) hi = mid - 1;
      else if (n > this.#ends[mid]!) lo = mid + 1;
      else return true;
    }
    return false;
  }
}
