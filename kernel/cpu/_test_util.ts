// Test helpers for the CPU unit tests: a small machine with a fixed layout.
//   0x10000-0x13fff code (writable, for self-modifying tests)
//   0x20000-0x23fff data            0x30000-0x3ffff stack (ESP = 0x40000)
//   0x48000 read-only page          0x4c000 never mapped
import { nasm } from "../../tests/_nasm.ts";
import { AddressSpace } from "../memory/address_space.ts";
import { PhysicalMemory } from "../memory/physical.ts";
import { Cpu } from "./cpu.ts";
import type { Stop } from "./state.ts";

export const CODE = 0x10000, DATA = 0x20000, STACK_TOP = 0x40000, RO = 0x48000, UNMAPPED = 0x4c000;

export interface Machine {
  cpu: Cpu;
  mem: AddressSpace;
  stop: Stop;
}

export async function machine(source: string): Promise<Machine> {
  const mem = new AddressSpace(new PhysicalMemory({ initialFrames: 64 }), 0x50000);
  mem.allocate(CODE, 0x4000, true);
  mem.allocate(DATA, 0x4000, true);
  mem.allocate(0x30000, 0x10000, true);
  mem.allocate(RO, 0x1000, false);
  mem.writeBytes(CODE, await nasm(source, CODE));
  const cpu = new Cpu(mem);
  cpu.eip = CODE;
  cpu.regs[4] = STACK_TOP;
  return { cpu, mem, stop: 0 as Stop };
}

/** Assembles `source`, runs it to a stop, and returns the machine. */
export async function run(source: string, budget = 1_000_000): Promise<Machine> {
  const m = await machine(source);
  m.stop = m.cpu.run(budget);
  return m;
}

export const u32 = (v: number): number => v >>> 0;
