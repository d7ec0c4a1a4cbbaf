/**
 * The CPU tiers side by side in one run: the interpreter alone, the translation tier, the host
 * CPU and qemu-i386 on the same guest code, as guest MIPS (medians of `repeats` runs):
 *
 *   deno run --allow-read --allow-write --allow-run --allow-env bench/jit_compare.ts [repeats]
 *
 * Workloads: the nasm loops of bench/jit_loops.ts (instruction counts exact on every engine)
 * and the C programs of bench/programs built -O2 (native instructions per repetition estimated
 * from the guest's count, as in bench/cpu_compare.ts).
 *
 * - interp: `{ jit: false }`.
 * - jit cold: the tier on with a fresh translation cache every run, so translation and V8's
 *   compilation of the generated code are inside the time.
 * - jit warm: one cache shared by all runs (as VMs of one image share it in a kernel), after
 *   one warm-up run.
 * - native / qemu: the same code as a 32-bit Linux program, run with enough work to take about
 *   300 ms, minus the time of a run that does no work (process start).
 *
 * @module
 */

import { hasGcc32 } from "../guests/build.ts";
import { TranslationCache } from "../kernel/cpu/mod.ts";
import type { CpuOptions } from "../kernel/cpu/mod.ts";
import { hasNasm } from "../tests/_nasm.ts";
import { runImage } from "../tests/programs/_run.ts";
import { guestImage, nativeProgram, WORKLOADS } from "./_workloads.ts";
import { guestLoop, LOOPS, nativeLoop } from "./jit_loops.ts";
import { median } from "./_stats.ts";

const MEM = 4 << 20;
const repeats = Math.max(1, Number(Deno.args[0] ?? 5));

async function has(cmd: string, args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

async function timeCmd(cmd: string, args: string[]): Promise<{ ms: number; out: string }> {
  const t = performance.now();
  const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
  const ms = performance.now() - t;
  if (!r.success) throw new Error(`Cannot run ${cmd} ${args.join(" ")}: exit code ${r.code}`);
  return { ms, out: new TextDecoder().decode(r.stdout).trim() };
}

/** Guest MIPS of `image` under `options()` (called once per run), median of `repeats`. */
function guestMips(image: Uint8Array | { flat: Uint8Array }, options: () => CpuOptions): number {
  const mips: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    const r = runImage(image, { memSize: MEM, cpu: options(), maxInstructions: 1e11 });
    mips.push(r.instructions / (performance.now() - t) / 1e3);
  }
  return median(mips);
}

/**
 * Host MIPS of a program whose work is `work(n)` (a command for n units of work, n = 0 for
 * none), `perUnit` guest instructions per unit: grows n from `start` (at most to `max`) until a
 * run takes ~300 ms.
 */
async function hostMips(
  work: (n: number) => Promise<[string, string[]]>,
  perUnit: number,
  start: number,
  max: number,
): Promise<number> {
  const zero = await work(0);
  const startMs = median(
    await Promise.all([0, 1, 2, 3, 4].map(() => timeCmd(...zero).then((r) => r.ms))),
  );
  let n = start;
  for (;;) {
    const ms = (await timeCmd(...await work(n))).ms - startMs;
    if (ms >= 300 || n >= max) break;
    n = Math.min(max, Math.ceil(n * Math.min(8, Math.max(2, 350 / Math.max(ms, 1)))));
  }
  const cmd = await work(n);
  const runs: number[] = [];
  for (let i = 0; i < repeats; i++) runs.push((await timeCmd(...cmd)).ms);
  return (n * perUnit) / Math.max(median(runs) - startMs, 1e-3) / 1e3;
}

interface Row {
  name: string;
  minstr: number;
  interp: number;
  cold: number;
  warm: number;
  native: number;
  qemu: number;
}

const hasQemu = await has("qemu-i386", ["--version"]);
const rows: Row[] = [];
const interp = (): CpuOptions => ({ jit: false });
const cold = (): CpuOptions => ({ jit: true, jitCache: new TranslationCache() });

if (hasNasm) {
  for (const loop of LOOPS) {
    const iInterp = 10_000_000, iJit = 50_000_000;
    const interpImage = { flat: await guestLoop(loop, iInterp) };
    const jitImage = { flat: await guestLoop(loop, iJit) };
    const shared = new TranslationCache();
    runImage(jitImage, { memSize: MEM, cpu: { jit: true, jitCache: shared } });
    const exe = (n: number) => nativeLoop(loop, n);
    rows.push({
      name: `loop ${loop.name}`,
      minstr: (iJit * loop.perIter) / 1e6,
      interp: guestMips(interpImage, interp),
      cold: guestMips(jitImage, cold),
      warm: guestMips(jitImage, () => ({ jit: true, jitCache: shared })),
      native: await hostMips(async (n) => [await exe(n), []], loop.perIter, 1e7, 2e9),
      qemu: hasQemu
        ? await hostMips(async (n) => ["qemu-i386", [await exe(n)]], loop.perIter, 1e7, 2e9)
        : NaN,
    });
  }
} else console.log("bench/jit_compare.ts: nasm is missing, loops skipped");

if (await hasGcc32()) {
  for (const w of WORKLOADS) {
    const reps = 16;
    const one = runImage(await guestImage(w, 1), { memSize: MEM, cpu: { jit: false } });
    const two = runImage(await guestImage(w, 2), { memSize: MEM, cpu: { jit: false } });
    const perRep = two.instructions - one.instructions;
    const image = await guestImage(w, reps);
    const shared = new TranslationCache();
    const check = runImage(image, { memSize: MEM, cpu: { jit: true, jitCache: shared } });
    const plain = runImage(image, { memSize: MEM, cpu: { jit: false } });
    if (check.console !== plain.console || check.instructions !== plain.instructions) {
      throw new Error(`Cannot compare ${w.name}: the tiers disagree`);
    }
    const exe = await nativeProgram(w);
    rows.push({
      name: w.name,
      minstr: check.instructions / 1e6,
      interp: guestMips(image, interp),
      cold: guestMips(image, cold),
      warm: guestMips(image, () => ({ jit: true, jitCache: shared })),
      native: await hostMips((n) => Promise.resolve([exe, [String(n)]]), perRep, 16, 1 << 20),
      qemu: hasQemu
        ? await hostMips(
          (n) => Promise.resolve(["qemu-i386", [exe, String(n)]]),
          perRep,
          16,
          1 << 20,
        )
        : NaN,
    });
  }
} else console.log("bench/jit_compare.ts: gcc -m32 is missing, C workloads skipped");

const f0 = (x: number) => (Number.isNaN(x) ? "-" : x.toFixed(0));
const f1 = (x: number) => (Number.isNaN(x) ? "-" : x.toFixed(1));
const head = [
  "workload",
  "guest Minstr",
  "interp MIPS",
  "jit cold",
  "jit warm",
  "jit/interp",
  "native MIPS",
  "qemu MIPS",
  "native/jit",
  "qemu/jit",
];
const table = rows.map((r) => [
  r.name,
  f0(r.minstr),
  f0(r.interp),
  f0(r.cold),
  f0(r.warm),
  f1(r.warm / r.interp) + "x",
  f0(r.native),
  f0(r.qemu),
  f1(r.native / r.warm) + "x",
  f1(r.qemu / r.warm) + "x",
]);
const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (r: string[]) =>
  r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
console.log(
  `CPU tiers, guest MIPS, median of ${repeats} runs (Deno ${Deno.version.deno}, V8 ${Deno.version.v8})`,
);
console.log(line(head));
for (const r of table) console.log(line(r));
