/**
 * `deno bench` entries for the kernel (run by `deno task bench`). The scripts
 * kernel_switch.ts, kernel_create.ts and kernel_memory.ts print per-operation
 * figures (ns per switch, VMs/s, bytes per VM); these entries track the same
 * operations over time.
 *
 * @module
 */

import { Kernel } from "../kernel/mod.ts";
import { EXIT0, YIELD_LOOP } from "./_kernel_guests.ts";

const yielding = new Kernel();
for (let i = 0; i < 1000; i++) yielding.create({ image: YIELD_LOOP, memSize: 65536, start: true });

Deno.bench("kernel: 1,000 context switches among 1,000 yielding VMs", { group: "switch" }, () => {
  yielding.runSync(1000);
});

const creator = new Kernel();
Deno.bench("kernel: create, run to exit and remove one 64 KiB VM", { group: "create" }, () => {
  const id = creator.create({ image: EXIT0, memSize: 65536, start: true });
  creator.runSync();
  creator.remove(id);
});
