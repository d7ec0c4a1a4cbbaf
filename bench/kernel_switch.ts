/**
 * Context-switch cost: many VMs that do nothing but yield, so every quantum
 * is one switch (pick the next VM, update its virtual registers page, run
 * three instructions, handle the VMCALL, requeue). Measured with and without
 * 10,000 idle VMs next to them, to show that idle VMs cost the scheduler
 * nothing.
 *
 * Run: deno run -A bench/kernel_switch.ts [--vms N] [--switches N]
 *
 * @module
 */

import { Kernel } from "../kernel/mod.ts";
import { fmt, HLT_LOOP, YIELD_LOOP } from "./_kernel_guests.ts";

function measure(yielders: number, idlers: number, switches: number): number {
  const k = new Kernel({ jit: Deno.env.get("DENALI_JIT") === "0" ? "off" : "on" });
  for (let i = 0; i < idlers; i++) k.create({ image: HLT_LOOP, memSize: 64 * 1024, start: true });
  k.runSync(); // every idler runs once and halts: they wait for interrupts from now on
  for (let i = 0; i < yielders; i++) {
    k.create({ image: YIELD_LOOP, memSize: 64 * 1024, start: true });
  }
  k.runSync(switches / 4); // warm up the JIT and every VM's decoded-code cache
  const before = k.stats().contextSwitches;
  const t0 = performance.now();
  k.runSync(switches);
  const ms = performance.now() - t0;
  const done = k.stats().contextSwitches - before;
  if (k.stats().vms.idle !== idlers) throw new Error("Cannot measure: an idle VM ran");
  return (ms * 1e6) / done;
}

const args = Deno.args;
const arg = (name: string, d: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const vms = arg("--vms", 1000);
const switches = arg("--switches", 2_000_000);
for (const [yielders, idlers] of [[2, 0], [vms, 0], [vms, 10_000]] as const) {
  const best = Math.min(...[0, 1, 2].map(() => measure(yielders, idlers, switches)));
  console.log(
    `switch: ${fmt(yielders)} VMs yielding, ${fmt(idlers)} idle: ${fmt(best, 1)} ns per switch`,
  );
}
