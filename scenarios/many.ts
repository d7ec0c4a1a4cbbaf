/**
 * Scenario 1, many: start N VMs on one kernel (10,000 at full size), run them
 * all to completion, and measure what each costs: host time to create and
 * start one, kernel memory beyond guest memory, guest memory touched,
 * context switches per second and MIPS with all of them alive. Each VM is a
 * small service: it computes for `work` instructions and idles for 1 s of
 * kernel time, `rounds` times, then exits.
 *
 * ```sh
 * deno run -A --v8-flags=--expose-gc scenarios/many.ts --size full   # N = 1,000 ... 10,000
 * deno run -A scenarios/many.ts --vms 500,5000,50000 --rounds 10
 * ```
 *
 * Kernel memory is V8's heap plus external memory (typed arrays) after a
 * full GC, minus the guest frames; without `--expose-gc` it is measured
 * without forcing a GC (noisier) and the table says so.
 *
 * @module
 */

import { Kernel } from "../mod.ts";
import { intList, positive, runMain, scenarioArgs } from "./_args.ts";
import { GUEST_MEMORY, service } from "./_guests.ts";
import { Report } from "./_report.ts";

/**
 * Options of {@linkcode many}.
 *
 * @example
 * ```ts
 * import type { ManyOptions } from "./many.ts";
 * const o: ManyOptions = { vms: [1000, 10_000], rounds: 5, work: 2000 };
 * console.log(o.vms.at(-1)); // 10000
 * ```
 */
export interface ManyOptions {
  /** VM counts to measure. */
  vms: number[];
  /** Rounds of work and idle per VM. */
  rounds: number;
  /** Instructions per round. */
  work: number;
}

/**
 * One measured point.
 *
 * @example
 * ```ts
 * import { type ManyPoint, measureMany } from "./many.ts";
 * const p: ManyPoint = measureMany(10, { rounds: 1, work: 10 });
 * console.log(p.vms, p.exited); // 10 10
 * ```
 */
export interface ManyPoint {
  /** VMs. */
  vms: number;
  /** Host us to create and start one VM. */
  startMicros: number;
  /** Kernel bytes per VM beyond guest memory, with every VM alive. */
  kernelBytes: number;
  /** Guest memory touched per VM, bytes. */
  guestBytes: number;
  /** Host ms to run every VM to completion. */
  runMs: number;
  /** Context switches. */
  switches: number;
  /** Switches per host second. */
  switchesPerSec: number;
  /** Million instructions per host second. */
  mips: number;
  /** VMs that exited with 0. */
  exited: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function heapBytes(k: Kernel): number {
  if (gc) { for (let i = 0; i < 2; i++) gc(); }
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external - k.phys.framesTotal * 4096;
}

/**
 * Measures one N.
 *
 * @example
 * ```ts
 * import { measureMany } from "./many.ts";
 * const p = measureMany(100, { rounds: 2, work: 100 });
 * console.log(p.exited); // 100
 * ```
 */
export function measureMany(n: number, o: { rounds: number; work: number }): ManyPoint {
  // Idle for 1 s of kernel time: longer than a round of every VM, so all are alive and
  // idle after the first round (the deterministic clock skips the idle time).
  const image = service({ rounds: o.rounds, work: o.work, idleMicros: 1_000_000 });
  const k = new Kernel({ initialFrames: n * 2 + 64 });
  const before = heapBytes(k);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) k.create({ image, memSize: GUEST_MEMORY, start: true });
  const startMicros = (performance.now() - t0) * 1000 / n;
  k.runSync(n); // every VM runs its first round and idles: all alive, all pages touched
  const kernelBytes = (heapBytes(k) - before) / n;
  const guestBytes = k.stats().framesInUse * 4096 / n;
  const s0 = k.stats();
  const t1 = performance.now();
  k.runSync();
  const runMs = performance.now() - t1;
  const s = k.stats();
  const switches = s.contextSwitches - s0.contextSwitches;
  return {
    vms: n,
    startMicros,
    kernelBytes,
    guestBytes,
    runMs,
    switches,
    switchesPerSec: switches / (runMs / 1000),
    mips: (s.instructions - s0.instructions) / runMs / 1000,
    exited: s.vms.exited,
  };
}

/**
 * Runs the scenario and returns its report.
 *
 * @example
 * ```ts
 * import { many } from "./many.ts";
 * const r = many({ vms: [10, 20], rounds: 2, work: 100 });
 * console.log(r.rows.length); // 2
 * ```
 */
export function many(o: ManyOptions, log: (line: string) => void = () => {}): Report {
  const report = new Report("many", [
    { key: "vms", title: "VMs" },
    { key: "startMicros", title: "start us/VM", digits: 1 },
    { key: "kernelBytes", title: "kernel B/VM" },
    { key: "guestBytes", title: "guest B/VM" },
    { key: "runMs", title: "run ms", digits: 0 },
    { key: "switches", title: "switches" },
    { key: "switchesPerSec", title: "switches/s" },
    { key: "mips", title: "MIPS", digits: 1 },
    { key: "exited", title: "exited" },
  ]);
  measureMany(Math.min(100, o.vms[0]!), o); // warm up the JIT
  for (const n of o.vms) {
    log(`many: ${n} VMs...`);
    report.add({ ...measureMany(n, o) });
  }
  return report;
}

const USAGE = `Usage: deno run -A --v8-flags=--expose-gc scenarios/many.ts [options]

Starts N VMs (small services that compute and idle), runs them to completion,
and measures start time, kernel and guest memory per VM, switches/s and MIPS.`;

/**
 * The command line: parses flags, runs, prints the table, writes CSV and SVG.
 *
 * @example
 * ```ts
 * import { main } from "./many.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await main(["--vms", "10", "--rounds", "1", "--out", dir, "--quiet"]);
 * console.log(r?.rows.length); // 1
 * ```
 */
export async function main(args: string[]): Promise<Report | null> {
  const a = scenarioArgs("many", args, {
    vms: "VM counts, e.g. 1000,10000 (small: 100,1000; full: 1000,2000,5000,10000)",
    rounds: "rounds of work and idle per VM (default 5)",
    work: "instructions per round (default 2000)",
  }, USAGE);
  if (a === "help") return null;
  const vms = a.flags.vms
    ? intList("--vms", a.flags.vms)
    : a.size === "full"
    ? [1000, 2000, 5000, 10_000]
    : [100, 1000];
  const rounds = a.flags.rounds ? Math.round(positive("--rounds", a.flags.rounds)) : 5;
  const work = a.flags.work ? Math.round(positive("--work", a.flags.work)) : 2000;
  const report = many({ vms, rounds, work }, a.quiet ? () => {} : (l) => console.error(l));
  console.log(report.table());
  if (!gc) console.log("(kernel B/VM measured without --v8-flags=--expose-gc: includes garbage)");
  const files = await report.write(a.out, [
    {
      file: "many.svg",
      title: "Many VMs: context switches per second",
      x: "vms",
      xLabel: "VMs",
      yLabel: "switches per second",
      logX: true,
      lines: [{ label: "switches/s", y: "switchesPerSec" }],
    },
    {
      file: "many_memory.svg",
      title: "Many VMs: memory per VM",
      x: "vms",
      xLabel: "VMs",
      yLabel: "bytes per VM",
      logX: true,
      lines: [
        { label: "kernel bytes/VM", y: "kernelBytes" },
        { label: "guest bytes/VM", y: "guestBytes" },
      ],
    },
  ]);
  if (!a.quiet) console.error(`many: wrote ${files.join(", ")}`);
  return report;
}

if (import.meta.main) await runMain(main);
