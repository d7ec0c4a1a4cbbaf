/**
 * A small seeded pseudo-random number generator (mulberry32) for the fuzzer.
 * Every round of a fuzz run draws from its own generator, seeded from the run's
 * seed and the round number, so any round can be replayed on its own.
 *
 * @module
 */

/**
 * Seeded 32-bit generator with helpers for the shapes the fuzzer needs.
 *
 * @example
 * ```ts
 * import { Prng } from "./prng.ts";
 * const rng = new Prng(42);
 * const die = rng.int(6) + 1; // 1..6, the same sequence for the same seed
 * console.log(die, rng.chance(0.5));
 * ```
 */
export class Prng {
  #state: number;

  /** Creates a generator; equal seeds give equal sequences. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** Next value as an unsigned 32-bit integer. */
  u32(): number {
    // mulberry32 (Tommy Ettinger): a 32-bit Weyl sequence through a mixing function.
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform integer in [0, n) for 0 < n <= 2^32. */
  int(n: number): number {
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.u32() < p * 0x1_0000_0000;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A byte (0..255). */
  byte(): number {
    return this.u32() & 0xff;
  }
}

/**
 * Seed of one round: mixes the run seed and the round number so that nearby
 * rounds get unrelated streams.
 *
 * @example
 * ```ts
 * import { Prng, roundSeed } from "./prng.ts";
 * const rng = new Prng(roundSeed(1, 17)); // replays round 17 of a run with seed 1
 * console.log(rng.u32());
 * ```
 */
export function roundSeed(seed: number, round: number): number {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ Math.imul(round >>> 0, 0xc2b2ae35), 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}
