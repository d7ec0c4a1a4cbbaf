/**
 * Scenario 6, switch: the context-switch micro-benchmark. N VMs do nothing
 * but yield, so every quantum is one switch: pick the next VM, refresh its
 * virtual registers page, run three instructions, handle the VMCALL, requeue
 * it. Measured with N from 2 up, with and without 10,000 idle VMs beside
 * them (idle VMs must cost the scheduler nothing), against Denali's 1.4 us
 * best case and 9 us with two or more VMs.
 *
 * ```sh
 * deno run -A scenarios/switch.ts --size full
 * deno run -A scenarios/switch.ts --vms 2,100,10000 --idle 0,50000 --switches 5000000
 * ```
 *
 * @module
 */

import { Kernel } from "../mod.ts";
import { intList, positive, runMain, scenarioArgs } from "./_args.ts";
import { GUEST_MEMORY, LOAD, YIELDER } from "./_guests.ts";
import { Report } from "./_report.ts";

/** `l: hlt ; jmp l`: idles until an interrupt, forever. */
const HALTER = { flat: new Uint8Array([0xf4, 0xeb, 0xfd]), loadAddress: LOAD };

/**
 * One measured point.
 *
 * @example
 * ```ts
 * import { measureSwitch, type SwitchPoint } from "./switch.ts";
 * const p: SwitchPoint = measureSwitch({ vms: 2, idle: 0, switches: 1000, repeats: 1 });
 * console.log(p.switches >= 1000); // true
 * ```
 */
export interface SwitchPoint {
  /** Yielding VMs. */
  vms: number;
  /** Idle VMs beside them. */
  idle: number;
  /** Switches measured. */
  switches: number;
  /** Host ns per switch (best of the repeats). */
  nsPerSwitch: number;
  /** Switches per host second. */
  switchesPerSec: number;
}

/**
 * Host nanoseconds per context switch among `vms` yielding VMs with `idle`
 * halted VMs beside them, over `switches` switches (best of `repeats`).
 *
 * @example
 * ```ts
 * import { measureSwitch } from "./switch.ts";
 * const p = measureSwitch({ vms: 2, idle: 0, switches: 10_000, repeats: 1 });
 * console.log(p.nsPerSwitch > 0); // true
 * ```
 */
export function measureSwitch(
  o: { vms: number; idle: number; switches: number; repeats: number },
): SwitchPoint {
  const k = new Kernel({ initialFrames: (o.vms + o.idle) * 2 + 64 });
  for (let i = 0; i < o.idle; i++) k.create({ image: HALTER, memSize: GUEST_MEMORY, start: true });
  k.runSync(); // the idle VMs run once and halt: they wait for interrupts from now on
  for (let i = 0; i < o.vms; i++) k.create({ image: YIELDER, memSize: GUEST_MEMORY, start: true });
  k.runSync(Math.max(o.vms * 2, o.switches / 4)); // warm up: JIT, every VM's decoded code
  let best = Infinity, done = 0;
  for (let r = 0; r < o.repeats; r++) {
    const before = k.stats().contextSwitches;
    const t0 = performance.now();
    k.runSync(o.switches);
    const ms = performance.now() - t0;
    done = k.stats().contextSwitches - before;
    best = Math.min(best, ms * 1e6 / done);
  }
  if (k.stats().vms.idle !== o.idle) throw new Error("Cannot measure switches: an idle VM ran");
  return {
    vms: o.vms,
    idle: o.idle,
    switches: done,
    nsPerSwitch: best,
    switchesPerSec: 1e9 / best,
  };
}

/**
 * Runs the scenario and returns its report.
 *
 * @example
 * ```ts
 * import { switchCost } from "./switch.ts";
 * const r = switchCost({ vms: [2], idle: [0], switches: 10_000, repeats: 1 });
 * console.log(r.rows.length); // 1
 * ```
 */
export function switchCost(
  o: { vms: number[]; idle: number[]; switches: number; repeats: number },
  log: (line: string) => void = () => {},
): Report {
  const report = new Report("switch", [
    { key: "vms", title: "yielding VMs" },
    { key: "idle", title: "idle VMs" },
    { key: "switches", title: "switches" },
    { key: "nsPerSwitch", title: "ns/switch", digits: 1 },
    { key: "switchesPerSec", title: "switches/s" },
  ]);
  measureSwitch({ vms: 2, idle: 0, switches: Math.min(o.switches, 100_000), repeats: 1 });
  for (const idle of o.idle) {
    for (const vms of o.vms) {
      log(`switch: ${vms} yielding, ${idle} idle...`);
      report.add({ ...measureSwitch({ vms, idle, switches: o.switches, repeats: o.repeats }) });
    }
  }
  return report;
}

const USAGE = `Usage: deno run -A scenarios/switch.ts [options]

Measures the host cost of one context switch between yielding VMs, against the
number of VMs, with and without idle VMs beside them.`;

/**
 * The command line: parses flags, runs, prints the table, writes CSV and SVG.
 *
 * @example
 * ```ts
 * import { main } from "./switch.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await main(["--vms", "2", "--idle", "0", "--switches", "10000", "--out", dir, "--quiet"]);
 * console.log(r?.rows.length); // 1
 * ```
 */
export async function main(args: string[]): Promise<Report | null> {
  const a = scenarioArgs("switch", args, {
    vms: "yielding VM counts (small: 2,100,1000; full: 2,10,100,1000,10000)",
    idle: "idle VM counts beside them (small: 0,1000; full: 0,10000)",
    switches: "switches per measurement (small: 200000; full: 2000000)",
    repeats: "measurements per point, best kept (small: 1; full: 3)",
  }, USAGE);
  if (a === "help") return null;
  const full = a.size === "full";
  const f = a.flags;
  const report = switchCost({
    vms: f.vms ? intList("--vms", f.vms) : full ? [2, 10, 100, 1000, 10_000] : [2, 100, 1000],
    idle: f.idle ? intList("--idle", f.idle, 0) : full ? [0, 10_000] : [0, 1000],
    switches: f.switches ? Math.round(positive("--switches", f.switches)) : full ? 2e6 : 2e5,
    repeats: f.repeats ? Math.round(positive("--repeats", f.repeats)) : full ? 3 : 1,
  }, a.quiet ? () => {} : (l) => console.error(l));
  console.log(report.table());
  const idles = [...new Set(report.rows.map((r) => Number(r.idle)))];
  const files = await report.write(a.out, [{
    file: "switch.svg",
    title: "Context switch cost",
    x: "vms",
    xLabel: "yielding VMs",
    yLabel: "host ns per switch",
    logX: true,
    lines: idles.map((i) => ({
      label: `${i.toLocaleString("en-US")} idle VMs`,
      y: "nsPerSwitch",
      where: (r) => r.idle === i,
    })),
  }]);
  if (!a.quiet) console.error(`switch: wrote ${files.join(", ")}`);
  return report;
}

if (import.meta.main) await runMain(main);
