/**
 * Text of fuzz reports: the totals and a failure with what is needed to
 * reproduce it.
 *
 * @module
 */

import type { FuzzFailure, FuzzReport } from "./fuzz.ts";

function sorted(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? "none" : entries.map(([k, v]) => `${k} ${v}`).join(", ");
}

/**
 * Totals of a run, a few lines.
 *
 * @example
 * ```ts
 * import { fuzz } from "./fuzz.ts";
 * import { summary } from "./report.ts";
 * console.log(summary(fuzz({ seed: 1, bytes: 1024 })));
 * ```
 */
export function summary(r: FuzzReport): string {
  const rate = r.ms > 0 ? Math.round(r.instructions / (r.ms / 1000)) : 0;
  return [
    `seed ${r.seed}: ${r.rounds} rounds (${r.replays} replayed), ${r.codeBytes} code bytes, ` +
    `${r.instructions} instructions in ${(r.ms / 1000).toFixed(1)} s (${rate}/s)`,
    `  stops:   ${sorted(r.stops)}`,
    `  faults:  ${sorted(r.faults)}`,
    `  endings: ${sorted(r.endings)}`,
  ].join("\n");
}

/**
 * A failure: what broke, where, and the command that reproduces it.
 *
 * @example
 * ```ts
 * import { fuzz } from "./fuzz.ts";
 * import { describeFailure } from "./report.ts";
 * const r = fuzz({ seed: 1, bytes: 1024 });
 * if (r.failure) console.log(describeFailure(r.failure));
 * ```
 */
export function describeFailure(f: FuzzFailure): string {
  const lines = [`fuzz: VIOLATION (${f.kind}) in seed ${f.seed} round ${f.round}: ${f.message}`];
  if (f.quantum >= 0) {
    lines.push(`  quantum ${f.quantum} started at EIP ${f.eip.toString(16)}: ${f.bytes}`);
    if (f.regs) lines.push(`  registers then (EAX..EDI): ${f.regs}`);
  }
  if (f.stepped) {
    lines.push(
      `  single-stepped: ${f.stepped.kind}: ${f.stepped.message}`,
      `    instruction at EIP ${f.stepped.eip.toString(16)}: ${f.stepped.bytes}`,
      `    registers before it (EAX..EDI): ${f.stepped.regs}`,
    );
  } else if (f.stepped === null) {
    lines.push("  single-stepping the round does not reproduce it");
  }
  lines.push(`  reproduce: deno task fuzz --seed ${f.seed} --round ${f.round} [--step]`);
  return lines.join("\n");
}
