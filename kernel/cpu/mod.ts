/**
 * The x86-subset virtual CPU: state, decoder, interpreter. Pure: no I/O and
 * no globals; it touches nothing but the address space it is given.
 *
 * @example
 * ```ts
 * import { Cpu, Reg, Stop } from "@denali/kernel/cpu";
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * const mem = new AddressSpace(new PhysicalMemory(), 0x10000);
 * mem.allocate(0x2000, 0x1000, true);
 * mem.writeBytes(0x2000, new Uint8Array([0x0f, 0x01, 0xc1])); // vmcall
 * const cpu = new Cpu(mem);
 * cpu.eip = 0x2000;
 * console.log(cpu.run(10) === Stop.Vmcall, cpu.regs[Reg.EAX]);
 * ```
 *
 * @module
 */
export { Cpu, type CpuOptions, type JitStats, MAX_BLOCK_INSNS } from "./cpu.ts";
export { CpuState, ExitInfo, type FaultKind, FaultSignal, FLAGS, Reg, Stop } from "./state.ts";
export { decode, MAX_INSN_LEN } from "./decoder.ts";
export { type Handler, Insn } from "./insn.ts";
export {
  type Guard,
  type JitSetting,
  jitSetting,
  type RegionCode,
  type RegionFn,
  type RegionLimits,
  type Translation,
  TranslationCache,
  type TranslationCacheOptions,
  type TranslationCacheStats,
} from "./jit/mod.ts";
