/**
 * Best of several runs: the scenarios that compare modes (idle against busy
 * polling, batched against immediate interrupts) run each mode a few times,
 * alternating the modes so that a slow spell of the host hurts them alike,
 * and keep each mode's run with the best throughput.
 *
 * @module
 */

/**
 * Runs `measure` for every mode, `repeats` times over, alternating the modes;
 * returns each mode's run with the highest `throughput` (the first on ties).
 *
 * @example
 * ```ts
 * import { bestOf } from "./_best_of.ts";
 * let t = 0;
 * const best = await bestOf(
 *   { modes: ["a", "b"], repeats: 3 },
 *   (mode) => Promise.resolve({ mode, throughput: ++t }),
 * );
 * console.log(best.a.throughput, best.b.throughput); // 5 6
 * ```
 */
export async function bestOf<M extends string, R extends { throughput: number }>(
  options: { modes: readonly M[]; repeats: number },
  measure: (mode: M) => Promise<R>,
): Promise<Record<M, R>> {
  const best: Partial<Record<M, R>> = {};
  for (let rep = 0; rep < options.repeats; rep++) {
    for (const mode of options.modes) {
      const r = await measure(mode);
      const was = best[mode];
      if (!was || r.throughput > was.throughput) best[mode] = r;
    }
  }
  return best as Record<M, R>;
}
