/**
 * Translation sharing at scale: N VMs (default 10,000) of 64 KiB run the same
 * flat image, a hot integer loop with a call, one kernel, the default tier.
 * The first VM runs alone (and compiles); the rest start together after it.
 * Prints what the shared cache holds against what the VMs use, and how much
 * of their work ran translated.
 *
 *     deno run -A bench/jit_share.ts [vms=10000] [iterations=20000]
 *
 * @module
 */

import { assemble } from "../guests/asm/mod.ts";
import { Kernel } from "../kernel/mod.ts";

const vms = Math.max(2, Number(Deno.args[0] ?? 10_000));
const iterations = Math.max(1, Number(Deno.args[1] ?? 20_000));

// A loop calling a small function, then HLT (idle with its CPU: its counters stay readable).
const image = {
  flat: assemble(
    `
    mov ecx, ${iterations}
    xor eax, eax
  top:
    mov edx, ecx
    call mix
    dec ecx
    jnz top
    hlt
  mix:
    lea eax, [eax + edx*4]
    xor eax, 0x5a5a
    rol eax, 3
    ret`,
    { org: 0x2000 },
  ),
  loadAddress: 0x2000,
};

const kernel = new Kernel({ initialFrames: vms * 3 });
const t0 = performance.now();
const ids = [kernel.create({ image, memSize: 64 * 1024, start: true })];
await kernel.run();
for (let k = 1; k < vms; k++) ids.push(kernel.create({ image, memSize: 64 * 1024, start: true }));
await kernel.run();
const ms = performance.now() - t0;

let codeBytes = 0, jitInstructions = 0, instructions = 0, compiled = 0, sharing = 0;
for (const id of ids) {
  const v = kernel.inspect(id);
  codeBytes += v.jit!.codeBytes;
  jitInstructions += v.jit!.jitInstructions;
  instructions += v.stats.instructions;
  compiled += v.jit!.compiled;
  if (v.jit!.reused > 0) sharing++;
}
const tr = kernel.stats().translations!;
console.log(`${vms} VMs of one image, ${iterations} iterations each, ${ms.toFixed(0)} ms host:`);
console.log(
  `  cache: ${tr.entries} translations, ${tr.bytes} bytes of generated code, ${tr.compiled} compiled`,
);
console.log(
  `  VMs: ${compiled} regions compiled in all, ${sharing} VMs took shared code, ` +
    `${(codeBytes / vms).toFixed(0)} bytes of translated code in use per VM (shared)`,
);
console.log(
  `  ${(100 * jitInstructions / instructions).toFixed(1)}% of ${instructions} instructions ` +
    `ran translated, ${(instructions / ms / 1000).toFixed(0)} MIPS overall`,
);
