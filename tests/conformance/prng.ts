/**
 * A small seeded PRNG (mulberry32) for the conformance harness. runner.c fills the data region
 * with the same generator, so both sides build identical memory from one 32-bit seed.
 *
 * @module
 */

/**
 * mulberry32: 32 bits of state, period 2^32, good enough for test generation.
 *
 * @example
 * ```ts
 * import { Prng } from "./prng.ts";
 * const r = new Prng(42);
 * console.log(r.u32(), r.below(10), r.chance(0.5));
 * ```
 */
export class Prng {
  #s: number;

  /** Starts the sequence at `seed` (any number; only its low 32 bits matter). */
  constructor(seed: number) {
    this.#s = seed | 0;
  }

  /** Next value, an unsigned 32-bit integer. */
  u32(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform integer in [0, n) for 1 <= n <= 2^32. */
  below(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.u32() < p * 0x1_0000_0000;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }

  /** An index into `weights`, chosen in proportion to the weights. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.below(total);
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }
}

/**
 * Derives the seed of case `index` of a run seeded with `seed`, so any case can be regenerated
 * alone.
 *
 * @example
 * ```ts
 * import { caseSeed } from "./prng.ts";
 * console.log(caseSeed(1, 0) !== caseSeed(1, 1)); // true
 * ```
 */
export function caseSeed(seed: number, index: number): number {
  let h = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index | 0, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}
