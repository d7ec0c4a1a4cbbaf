// Test helpers for the CPU unit tests: a small machine with a fixed layout.
//   0x10000-0x13fff code (writable, for self-modifying tests)
//   0x20000-0x23fff data            0x30000-0x3ffff stack (ESP = 0x40000)
//   0x48000 read-only page          0x4c000 never mapped
// Every CPU test runs twice through `cpuTest`: with the interpreter alone, and with the
// translator on and translating every block at its first execution ("[jit]"). DENALI_JIT
// (0, 1, eager) picks one mode instead.
import { nasm } from "../../tests/_nasm.ts";
import { AddressSpace } from "../memory/address_space.ts";
import { PhysicalMemory } from "../memory/physical.ts";
import { Cpu, type CpuOptions } from "./cpu.ts";
import { jitSetting } from "./jit/tier.ts";
import type { Stop } from "./state.ts";

export const CODE = 0x10000, DATA = 0x20000, STACK_TOP = 0x40000, RO = 0x48000, UNMAPPED = 0x4c000;

export interface Machine {
  cpu: Cpu;
  mem: AddressSpace;
  stop: Stop;
}

/** CPU options of a test mode: the interpreter alone, or the translator at first execution. */
export function modeOptions(jit: boolean): CpuOptions {
  return jit ? { jit: true, jitThreshold: 0 } : { jit: false };
}

const envMode = (() => {
  const granted = Deno.permissions.querySync({ name: "env", variable: "DENALI_JIT" }).state;
  if (granted !== "granted") return null;
  const v = Deno.env.get("DENALI_JIT");
  if (v === undefined || v === "") return null;
  const s = jitSetting(v);
  return s.jit ? { jit: true, jitThreshold: s.jitThreshold ?? 0 } : { jit: false };
})();

/** Options of the CPUs built by `machine` (the mode of the test running now). */
let current: CpuOptions = envMode ?? modeOptions(false);

/**
 * Registers `fn` once per mode: as `name` with the interpreter, and as `name [jit]` with
 * every block translated at its first execution. With DENALI_JIT set, once in that mode.
 */
export function cpuTest(name: string, fn: () => Promise<void>, ignore = false): void {
  const modes: [string, CpuOptions][] = envMode
    ? [[name, envMode]]
    : [[name, modeOptions(false)], [`${name} [jit]`, modeOptions(true)]];
  for (const [n, opts] of modes) {
    Deno.test({
      name: n,
      ignore,
      fn: async () => {
        const saved = current;
        current = opts;
        try {
          await fn();
        } finally {
          current = saved;
        }
      },
    });
  }
}

export async function machine(source: string, options: CpuOptions = current): Promise<Machine> {
  const mem = new AddressSpace(new PhysicalMemory({ initialFrames: 64 }), 0x50000);
  mem.allocate(CODE, 0x4000, true);
  mem.allocate(DATA, 0x4000, true);
  mem.allocate(0x30000, 0x10000, true);
  mem.allocate(RO, 0x1000, false);
  mem.writeBytes(CODE, await nasm(source, CODE));
  const cpu = new Cpu(mem, options);
  cpu.eip = CODE;
  cpu.regs[4] = STACK_TOP;
  return { cpu, mem, stop: 0 as Stop };
}

/** Assembles `source`, runs it to a stop, and returns the machine. */
export async function run(
  source: string,
  budget = 1_000_000,
  options: CpuOptions = current,
): Promise<Machine> {
  const m = await machine(source, options);
  m.stop = m.cpu.run(budget);
  return m;
}

export const u32 = (v: number): number => v >>> 0;
