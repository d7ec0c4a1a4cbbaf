/**
 * VM creation rate: VMs of 64 KiB created from a flat image (checked, loaded,
 * given a virtual registers page, a page table and a CPU), and the full life
 * cycle (create, start, run to exit, remove).
 *
 * Run: deno run -A bench/kernel_create.ts [--vms N]
 *
 * @module
 */

import { Kernel } from "../kernel/mod.ts";
import { EXIT0, fmt } from "./_kernel_guests.ts";

const i = Deno.args.indexOf("--vms");
const N = i >= 0 ? Number(Deno.args[i + 1]) : 10_000;

function createRate(): number {
  const k = new Kernel();
  const t0 = performance.now();
  for (let n = 0; n < N; n++) k.create({ image: EXIT0, memSize: 64 * 1024 });
  return N / ((performance.now() - t0) / 1000);
}

function cycleRate(): number {
  const k = new Kernel();
  const t0 = performance.now();
  const ids: number[] = [];
  for (let n = 0; n < N; n++) ids.push(k.create({ image: EXIT0, memSize: 64 * 1024, start: true }));
  k.runSync();
  for (const id of ids) k.remove(id);
  return N / ((performance.now() - t0) / 1000);
}

createRate(); // warm-up
const create = Math.max(createRate(), createRate(), createRate());
const cycle = Math.max(cycleRate(), cycleRate(), cycleRate());
console.log(`create: ${fmt(N)} VMs of 64 KiB: ${fmt(create)} VMs/s created`);
console.log(`create: create + run to exit + remove: ${fmt(cycle)} VMs/s`);
