/** Deterministic randomness for table-driven tests (xorshift32). */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

export function seededBytes(seed: number): (n: number) => Buffer {
  const random = seededRandom(seed);
  return (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
}
