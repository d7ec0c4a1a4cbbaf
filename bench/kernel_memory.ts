/**
 * Kernel memory per VM beyond guest memory: JS heap and off-heap buffers
 * (typed arrays) held by the kernel for each VM (control block arrays, page
 * table, CPU object and its decoded-code cache, console ring), measured as
 * the growth of V8's heapUsed + external after a full GC, minus the guest
 * frames of physical memory. Needs --expose-gc:
 *
 *   deno run -A --v8-flags=--expose-gc bench/kernel_memory.ts [--vms N]
 *
 * @module
 */

import { Kernel } from "../kernel/mod.ts";
import { EXIT0, fmt, HLT_LOOP } from "./_kernel_guests.ts";

const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (!gc) {
  console.error("kernel_memory: run with --v8-flags=--expose-gc");
  Deno.exit(2);
}

function used(k: Kernel): number {
  for (let i = 0; i < 3; i++) gc!();
  const m = Deno.memoryUsage();
  // The guest frames live in one SharedArrayBuffer; take them out of "external".
  return m.heapUsed + m.external - k.phys.framesTotal * 4096;
}

const i = Deno.args.indexOf("--vms");
const N = i >= 0 ? Number(Deno.args[i + 1]) : 10_000;
const k = new Kernel({ initialFrames: 4 * N });
const ids: number[] = [];
const base = used(k);
for (let n = 0; n < N; n++) ids.push(k.create({ image: HLT_LOOP, memSize: 64 * 1024 }));
const created = used(k);
for (const id of ids) k.start(id);
k.runSync();
const idle = used(k);
const frames = k.stats().framesInUse;
for (const id of ids) k.kill(id);
const stopped = used(k);
for (const id of ids) k.remove(id);
const removed = used(k);
const e = ids.map(() => k.create({ image: EXIT0, memSize: 64 * 1024, start: true }));
k.runSync();
e.forEach((id) => k.remove(id));
const cycled = used(k);

const per = (b: number) => fmt((b - base) / N, 0);
console.log(`memory: ${fmt(N)} VMs of 64 KiB, kernel bytes per VM beyond guest frames`);
console.log(`memory:   created, not started      ${per(created)} B/VM`);
console.log(
  `memory:   run until idle (HLT)      ${per(idle)} B/VM  (+ ${frames / N} guest frames/VM)`,
);
console.log(`memory:   killed, kept for inspect  ${per(stopped)} B/VM`);
console.log(`memory:   removed                   ${per(removed)} B/VM`);
console.log(`memory:   after another ${fmt(N)} create/run/remove  ${per(cycled)} B/VM`);
