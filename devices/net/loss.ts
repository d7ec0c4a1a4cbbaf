/**
 * Seeded frame loss for the virtual switch: a test knob that drops a fixed
 * fraction of frames, chosen by a small deterministic generator (mulberry32),
 * so a run with the same seed and the same traffic loses the same frames.
 *
 * @module
 */

/**
 * Plain state of a {@linkcode FrameLoss} (for snapshots).
 *
 * @example
 * ```ts
 * import { FrameLoss, type FrameLossState } from "@denali/kernel";
 * const s: FrameLossState = new FrameLoss(0.05, 7).state();
 * console.log(s.rate, s.seed); // 0.05 7
 * ```
 */
export interface FrameLossState {
  /** Fraction of frames dropped, 0..1. */
  rate: number;
  /** The seed given at creation. */
  seed: number;
  /** The generator's current state. */
  cursor: number;
}

/**
 * Decides, frame by frame, whether to drop: `rate` of them on average.
 *
 * @example
 * ```ts
 * import { FrameLoss } from "@denali/kernel";
 * const a = new FrameLoss(0.5, 42), b = new FrameLoss(0.5, 42);
 * const run = (l: FrameLoss) => Array.from({ length: 8 }, () => l.drop() ? 1 : 0).join("");
 * console.log(run(a) === run(b)); // true
 * ```
 */
export class FrameLoss {
  /** Fraction of frames dropped, 0..1. */
  readonly rate: number;
  /** The seed given at creation. */
  readonly seed: number;
  #cursor: number;

  /** A generator dropping `rate` (0..1) of frames, seeded with `seed` (a u32). */
  constructor(rate: number, seed = 1) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new RangeError(`Cannot set frame loss: rate ${rate} is not in 0..1`);
    }
    if (!Number.isInteger(seed)) {
      throw new RangeError(`Cannot set frame loss: seed ${seed} is not an integer`);
    }
    this.rate = rate;
    this.seed = seed >>> 0;
    this.#cursor = this.seed;
  }

  /** True if the next frame is to be dropped. */
  drop(): boolean {
    if (this.rate === 0) return false;
    // mulberry32
    let t = this.#cursor = (this.#cursor + 0x6d2b79f5) | 0;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const r = ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
    return r < this.rate;
  }

  /** The generator's state as plain data. */
  state(): FrameLossState {
    return { rate: this.rate, seed: this.seed, cursor: this.#cursor >>> 0 };
  }

  /** A generator continuing from `state`. */
  static from(state: FrameLossState): FrameLoss {
    const loss = new FrameLoss(state.rate, state.seed);
    loss.#cursor = state.cursor | 0;
    return loss;
  }
}
