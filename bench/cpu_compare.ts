/**
 * Compares our CPU with the host CPU on the benchmark workloads and prints a table:
 *
 *   deno run --allow-read --allow-write --allow-run --allow-env bench/cpu_compare.ts [repeats]
 *
 * Guest: each workload image (-O2) runs `repeats` times after one warm-up run; guest MIPS is
 * the median of instructions retired / wall time. Instructions per repetition come from two
 * images built with 1 and 2 repetitions (the difference excludes startup and printing).
 * Native: the same source built as a 32-bit Linux program runs with a repetition count large
 * enough to take ~300 ms; the median time of a run with 0 repetitions (process start) is
 * subtracted. Native MIPS = guest-counted instructions per repetition / native time per
 * repetition, an estimate (same compiler, flags and source; libc calls differ slightly).
 * Ratio = native MIPS / guest MIPS: how many times slower the guest runs.
 */
import { hasGcc32 } from "../guests/build.ts";
import { runImage } from "../tests/programs/_run.ts";
import { guestImage, nativeProgram, WORKLOADS } from "./_workloads.ts";
import { median } from "./_stats.ts";

const MEM = 4 << 20;
const repeats = Math.max(1, Number(Deno.args[0] ?? 5));

async function timeNative(exe: string, reps: number): Promise<{ ms: number; out: string }> {
  const t = performance.now();
  const r = await new Deno.Command(exe, { args: [String(reps)], stdout: "piped" }).output();
  const ms = performance.now() - t;
  if (!r.success) throw new Error(`Cannot run ${exe}: exit code ${r.code}`);
  return { ms, out: new TextDecoder().decode(r.stdout).trim() };
}

if (!(await hasGcc32())) {
  console.log("bench/cpu_compare.ts: gcc -m32 is missing (apt-get install -y gcc-multilib)");
  Deno.exit(0);
}

const rows: string[][] = [];
for (const w of WORKLOADS) {
  const one = runImage(await guestImage(w, 1), { memSize: MEM });
  const two = runImage(await guestImage(w, 2), { memSize: MEM });
  const perRep = two.instructions - one.instructions;

  const image = await guestImage(w);
  runImage(image, { memSize: MEM }); // warm-up: JIT, decoded-code caches
  const mips: number[] = [];
  const guestMs: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    const r = runImage(image, { memSize: MEM });
    const ms = performance.now() - t;
    guestMs.push(ms);
    mips.push(r.instructions / ms / 1e3);
  }
  const guestMips = median(mips);

  const exe = await nativeProgram(w);
  const nativeOne = await timeNative(exe, 1);
  const guestSays = one.console.trim();
  if (nativeOne.out !== guestSays) {
    throw new Error(
      `Cannot compare ${w.name}: native printed "${nativeOne.out}", guest "${guestSays}"`,
    );
  }
  const startMs = median(
    await Promise.all([0, 1, 2, 3, 4].map(() => timeNative(exe, 0).then((r) => r.ms))),
  );
  let reps = 16;
  for (;;) {
    const ms = (await timeNative(exe, reps)).ms - startMs;
    if (ms >= 300 || reps >= 1 << 24) break;
    reps = Math.min(1 << 24, Math.ceil(reps * Math.max(2, 350 / Math.max(ms, 1))));
  }
  const runs: number[] = [];
  for (let i = 0; i < repeats; i++) runs.push((await timeNative(exe, reps)).ms);
  const nativeMsPerRep = Math.max(median(runs) - startMs, 1e-3) / reps;
  const nativeMips = perRep / nativeMsPerRep / 1e3;
  rows.push([
    w.name,
    (perRep / 1e6).toFixed(2),
    guestMips.toFixed(1),
    median(guestMs).toFixed(1),
    nativeMsPerRep.toFixed(3),
    nativeMips.toFixed(0),
    (nativeMips / guestMips).toFixed(1) + "x",
  ]);
}

const head = [
  "workload",
  "Minstr/rep",
  "guest MIPS",
  "guest ms",
  "native ms/rep",
  "native MIPS",
  "ratio",
];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) =>
  r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
console.log(
  `CPU comparison, median of ${repeats} runs (guest -O2 in our CPU vs the same C natively)`,
);
console.log(line(head));
for (const r of rows) console.log(line(r));
