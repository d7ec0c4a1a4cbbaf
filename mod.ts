/**
 * Denali for Deno: an isolation kernel that runs very many small, untrusted
 * guests side by side, each in its own virtual machine with a simplified
 * virtual architecture (a subset of 32-bit x86 plus idle-with-timeout and
 * terminate). After Whitaker, Shaw and Gribble, "Scale and Performance in the
 * Denali Isolation Kernel", OSDI 2002.
 *
 * @example
 * ```ts
 * import { AddressSpace, Cpu, PhysicalMemory, Stop } from "@denali/kernel";
 * const mem = new AddressSpace(new PhysicalMemory(), 0x10000);
 * mem.allocate(0x2000, 0x1000, true);
 * mem.writeBytes(0x2000, new Uint8Array([0xb8, 7, 0, 0, 0, 0xf4])); // mov eax, 7 ; hlt
 * const cpu = new Cpu(mem);
 * cpu.eip = 0x2000;
 * console.log(cpu.run(1000) === Stop.Hlt, cpu.regs[0]);
 * ```
 *
 * @module
 */
export * from "./kernel/cpu/mod.ts";
export * from "./kernel/memory/mod.ts";
export * from "./kernel/mod.ts";
export * from "./devices/net/mod.ts";
export * from "./guests/asm/mod.ts";
export * from "./api/mod.ts";
