/**
 * `deno bench` for the CPU tiers: each workload runs to completion with the interpreter alone
 * (the group's baseline) and with the translation tier sharing one translation cache across
 * iterations, so `deno task bench` prints the tier's speed-up per workload. The bench name
 * carries the instruction count: guest MIPS = instructions / time per iteration.
 * bench/jit_compare.ts prints MIPS with native and qemu-i386 beside them.
 */
import { hasGcc32 } from "../guests/build.ts";
import { type CpuOptions, TranslationCache } from "../kernel/cpu/mod.ts";
import { hasNasm } from "../tests/_nasm.ts";
import { runImage, type RunResult } from "../tests/programs/_run.ts";
import { guestImage, WORKLOADS } from "./_workloads.ts";
import { guestLoop, LOOPS } from "./jit_loops.ts";

const MEM = 4 << 20;

function register(name: string, image: Uint8Array | { flat: Uint8Array }): void {
  const run = (cpu: CpuOptions): RunResult => runImage(image, { memSize: MEM, cpu });
  const shared = new TranslationCache();
  const { instructions } = run({ jit: false });
  const group = `${name}: ${(instructions / 1e6).toFixed(1)}M instructions`;
  Deno.bench({
    name: `${name} interpreter`,
    group,
    baseline: true,
    n: 5,
    warmup: 1,
    fn: () => {
      run({ jit: false });
    },
  });
  Deno.bench({
    name: `${name} translated`,
    group,
    n: 5,
    warmup: 1,
    fn: () => {
      run({ jit: true, jitCache: shared });
    },
  });
}

if (hasNasm) {
  for (const loop of LOOPS) register(`loop ${loop.name}`, { flat: await guestLoop(loop, 5e6) });
} else console.warn("bench/jit_bench.ts: nasm is missing, loops skipped");

if (await hasGcc32()) {
  for (const w of WORKLOADS) register(w.name, await guestImage(w, 4));
} else console.warn("bench/jit_bench.ts: gcc -m32 is missing, C workloads skipped");
