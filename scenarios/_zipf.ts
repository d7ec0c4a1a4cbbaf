/**
 * Seeded randomness for the scenarios: a small PRNG and a Zipf sampler, so a
 * scenario draws the same requests for the same seed.
 *
 * @module
 */

/**
 * A seeded PRNG (mulberry32): returns floats in [0, 1).
 *
 * @example
 * ```ts
 * import { prng } from "./_zipf.ts";
 * const r = prng(7);
 * console.log(r() === prng(7)()); // true
 * ```
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A Zipf distribution over ranks 0..n-1: P(rank k) is proportional to
 * 1 / (k + 1)^alpha (alpha = 1: the web's popularity law the Denali paper
 * builds on). `sample(u)` maps a uniform u in [0, 1) to a rank.
 *
 * @example
 * ```ts
 * import { Zipf } from "./_zipf.ts";
 * const z = new Zipf(1000, 1);
 * console.log(z.sample(0), z.probability(0) > z.probability(999)); // 0 true
 * ```
 */
export class Zipf {
  /** Ranks. */
  readonly n: number;
  readonly #cdf: Float64Array;

  /** The distribution over `n` ranks with exponent `alpha`. */
  constructor(n: number, alpha = 1) {
    if (!(Number.isInteger(n) && n >= 1)) {
      throw new RangeError(`Cannot build Zipf distribution: n ${n} is not an integer >= 1`);
    }
    this.n = n;
    this.#cdf = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) this.#cdf[k] = sum += 1 / (k + 1) ** alpha;
    for (let k = 0; k < n; k++) this.#cdf[k]! /= sum;
  }

  /** The rank for uniform `u` in [0, 1). */
  sample(u: number): number {
    let lo = 0, hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** P(rank k). */
  probability(k: number): number {
    return this.#cdf[k]! - (k > 0 ? this.#cdf[k - 1]! : 0);
  }
}
