/**
 * Runs a guest image in our CPU, for tests and benchmarks, until the kernel exists to do it:
 * one address space, the image loaded at its addresses, every other page from the image's
 * end to memSize mapped writable (heap and stack), ESP = memSize, then `cpu.run` in budgets.
 * The console ports become a string; VMCALL terminate ends the run. Anything else a guest
 * does (a fault, HLT with no interrupt source, too many instructions) throws an Error whose
 * message names the fault and the EIP, with the instruction bytes there.
 *
 * @module
 */

import { Cpu, type CpuOptions, Reg, Stop } from "../../kernel/cpu/mod.ts";
import { type ImageSource, loadImage } from "../../kernel/image.ts";
import { VREG, VREGS_ADDRESS, VREGS_VERSION } from "../../kernel/layout.ts";
import { AddressSpace, PhysicalMemory } from "../../kernel/memory/mod.ts";

/** What a guest did. */
export interface RunResult {
  /** EBX of VMCALL terminate. */
  exitCode: number;
  /** Console output (ports 0x100 and 0x104), decoded as UTF-8. */
  console: string;
  /** Instructions retired. */
  instructions: number;
}

/** Options for {@linkcode runImage}. */
export interface RunOptions {
  /** Guest memory in bytes (default 1 MiB). */
  memSize?: number;
  /** Stop with an error after this many instructions (default 2e9). */
  maxInstructions?: number;
  /** Instructions per `cpu.run` call (default 1e6). */
  budget?: number;
  /** CPU options (for example `{ jit: false }` for the interpreter alone). */
  cpu?: CpuOptions;
}

const hex = (n: number) => "0x" + (n >>> 0).toString(16);

/**
 * Runs `image` to completion; see the module doc.
 *
 * @example
 * ```ts
 * import { runImage } from "./_run.ts";
 * // mov ebx, 3 ; xor eax, eax ; vmcall (terminate with exit code 3)
 * const code = new Uint8Array([0xbb, 3, 0, 0, 0, 0x31, 0xc0, 0x0f, 0x01, 0xc1]);
 * const r = runImage({ flat: code });
 * console.log(r.exitCode, r.console, r.instructions); // 3 "" 3
 * ```
 */
export function runImage(image: ImageSource, options: RunOptions = {}): RunResult {
  const memSize = options.memSize ?? 1 << 20;
  const max = options.maxInstructions ?? 2e9;
  const budget = options.budget ?? 1_000_000;
  const phys = new PhysicalMemory({ initialFrames: memSize / 4096 + 4 });
  const space = new AddressSpace(phys, memSize);
  try {
    const img = loadImage(image, space);
    space.allocate(img.end, memSize - img.end, true);
    // The virtual registers page, with the constants the runtime reads (kernel/ISA.md).
    space.allocate(VREGS_ADDRESS, 4096, true);
    space.write32(VREGS_ADDRESS + VREG.VERSION, VREGS_VERSION);
    space.write32(VREGS_ADDRESS + VREG.VM_ID, 1);
    space.write32(VREGS_ADDRESS + VREG.MEM_SIZE, memSize);
    space.write32(VREGS_ADDRESS + VREG.CPU_KHZ, 100_000);
    const cpu = new Cpu(space, options.cpu);
    cpu.eip = img.entry;
    cpu.regs[Reg.ESP] = memSize;
    const out: Uint8Array[] = [];
    const fail = (what: string): never => {
      const bytes = space.readBytes(cpu.eip, 8);
      const code = bytes
        ? Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ")
        : "unmapped";
      throw new Error(
        `Cannot run guest: ${what} at EIP ${
          hex(cpu.eip)
        } (bytes ${code}) after ${cpu.instructions} instructions`,
      );
    };
    for (;;) {
      if (cpu.instructions >= max) fail(`no exit within ${max} instructions`);
      const why = cpu.run(budget);
      if (why === Stop.Budget) continue;
      if (why === Stop.Out) {
        const { port, size, value } = cpu.exit;
        if (port === 0x100 && size === 1) out.push(new Uint8Array([value & 0xff]));
        else if (port === 0x104 && size === 4) {
          const len = space.readBytes(value >>> 0, 4);
          const n = len ? new DataView(len.buffer).getUint32(0, true) : -1;
          const bytes = n >= 0 ? space.readBytes((value >>> 0) + 4, n) : null;
          if (!bytes) fail(`console buffer at ${hex(value)} is not mapped`);
          out.push(bytes!);
        }
        continue;
      }
      if (why === Stop.In) {
        cpu.completeIn(-1);
        continue;
      }
      if (why === Stop.Vmcall) {
        const fn = cpu.regs[Reg.EAX]!;
        if (fn === 0) {
          const text = new TextDecoder().decode(concat(out));
          return { exitCode: cpu.regs[Reg.EBX]!, console: text, instructions: cpu.instructions };
        }
        if (fn === 3) cpu.fsBase = cpu.regs[Reg.EBX]! >>> 0;
        if (fn === 4) cpu.gsBase = cpu.regs[Reg.EBX]! >>> 0;
        cpu.regs[Reg.EAX] = fn >= 1 && fn <= 4 ? 0 : -1;
        continue;
      }
      if (why === Stop.Hlt) fail("HLT with no interrupt source");
      if (why === Stop.Fault) {
        const f = cpu.exit;
        const where = f.fault === "page-fault"
          ? ` (${f.faultWrite ? "write" : "read"} of ${hex(f.faultAddress)})`
          : "";
        fail(`${f.fault}${where}`);
      }
      fail(`unexpected stop ${String(why)}`);
    }
  } finally {
    space.release();
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) all.set(p, at), at += p.length;
  return all;
}
