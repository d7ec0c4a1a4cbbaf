/**
 * Context-switch cost as a `deno bench` (the switch scenario measures the
 * same thing against N and writes a table, CSV and plot): each iteration
 * runs 10,000 quanta of VMs that only yield, so one iteration is 10,000
 * switches; divide the time per iteration by 10,000 for the cost of one.
 *
 *   deno bench -A bench/switch_bench.ts
 *
 * @module
 */

import { Kernel } from "../mod.ts";
import { GUEST_MEMORY, LOAD, YIELDER } from "../scenarios/_guests.ts";

const SWITCHES = 10_000;

function yielding(vms: number, idle: number): Kernel {
  const k = new Kernel({ initialFrames: (vms + idle) * 2 + 64 });
  const halt = { flat: new Uint8Array([0xf4, 0xeb, 0xfd]), loadAddress: LOAD };
  for (let i = 0; i < idle; i++) k.create({ image: halt, memSize: GUEST_MEMORY, start: true });
  k.runSync();
  for (let i = 0; i < vms; i++) k.create({ image: YIELDER, memSize: GUEST_MEMORY, start: true });
  k.runSync(vms * 4);
  return k;
}

for (const [vms, idle] of [[2, 0], [1000, 0], [1000, 10_000]] as const) {
  const k = yielding(vms, idle);
  Deno.bench({
    name: `10,000 switches among ${vms} yielding VMs, ${idle} idle`,
    group: "switch",
    baseline: vms === 2,
    fn() {
      k.runSync(SWITCHES);
    },
  });
}
