/**
 * Control flow and exits to the kernel: Jcc JMP CALL RET, LOOP LOOPE LOOPNE
 * JECXZ, IRET, HLT VMCALL IN OUT, INT3 UD2, CPUID RDTSC, NOP, and the
 * placeholders the decoder leaves for bytes that cannot run.
 *
 * The run loop sets EIP to the next instruction before a handler runs; a
 * branch overwrites it.
 *
 * @module
 */

import { type Insn, readRM } from "./insn.ts";
import { type CpuState, Stop } from "./state.ts";

/** Jcc rel8/rel32 (70-7F, 0F 80-8F): `sub` is the condition code. */
export function jcc(c: CpuState, i: Insn): void {
  if (c.cond(i.sub)) c.eip = i.target;
}

/** JMP rel8/rel32 (EB, E9). */
export function jmp(c: CpuState, i: Insn): void {
  c.eip = i.target;
}

/** JMP r/m (FF /4). */
export function jmpRm(c: CpuState, i: Insn): void {
  const t = readRM(c, i);
  c.eip = i.size === 2 ? t & 0xffff : t >>> 0;
}

/** CALL rel32 (E8). */
export function call(c: CpuState, i: Insn): void {
  c.push32(i.next);
  c.eip = i.target;
}

/** CALL r/m (FF /2). */
export function callRm(c: CpuState, i: Insn): void {
  const t = readRM(c, i);
  c.push32(i.next);
  c.eip = i.size === 2 ? t & 0xffff : t >>> 0;
}

/** RET and RET imm16 (C3, C2): pops EIP, then releases `imm` bytes. */
export function ret(c: CpuState, i: Insn): void {
  const esp = c.regs[4]!;
  const t = c.mem.read32(esp);
  c.regs[4] = (esp + 4 + i.imm) | 0;
  c.eip = t >>> 0;
}

/** LOOPNE (sub 0), LOOPE (1), LOOP (2), JECXZ (3): E0-E3. Flags unchanged. */
export function loop(c: CpuState, i: Insn): void {
  const regs = c.regs;
  if (i.sub === 3) {
    if (regs[1] === 0) c.eip = i.target;
    return;
  }
  const ecx = (regs[1]! - 1) | 0;
  regs[1] = ecx;
  if (ecx === 0) return;
  if (i.sub === 2 || (i.sub === 1) === (c.getZF() === 1)) c.eip = i.target;
}

/**
 * IRET (CF): pops EIP, CS and EFLAGS (restoring the virtual IF). When the
 * popped CS is 1 (a frame the kernel wrote on the guest's handler stack) it
 * also pops ESP and SS (ignored), as an x86 IRET does across privilege levels.
 */
export function iret(c: CpuState, _i: Insn): void {
  const esp = c.regs[4]!;
  const eip = c.mem.read32(esp);
  const cs = c.mem.read32((esp + 4) | 0);
  const fl = c.mem.read32((esp + 8) | 0);
  let nesp = (esp + 12) | 0;
  if (cs === 1) {
    nesp = c.mem.read32((esp + 12) | 0);
    c.mem.read32((esp + 16) | 0);
  }
  c.regs[4] = nesp;
  c.eflags = fl;
  c.eip = eip >>> 0;
}

/** An exit to the kernel: HLT (sub Stop.Hlt) or VMCALL (sub Stop.Vmcall). */
export function exitOp(c: CpuState, i: Insn): void {
  c.exit.eip = i.addr;
  c.stop = i.sub;
}

/** IN AL/AX/EAX from imm8 (`imm2`=0) or DX (`imm2`=1): E4 E5 EC ED. */
export function portIn(c: CpuState, i: Insn): void {
  const e = c.exit;
  e.eip = i.addr;
  e.port = i.imm2 === 1 ? c.regs[2]! & 0xffff : i.imm;
  e.size = i.size;
  e.value = 0;
  c.stop = Stop.In;
}

/** OUT imm8/DX from AL/AX/EAX: E6 E7 EE EF. */
export function portOut(c: CpuState, i: Insn): void {
  const e = c.exit;
  e.eip = i.addr;
  e.port = i.imm2 === 1 ? c.regs[2]! & 0xffff : i.imm;
  e.size = i.size;
  e.value = c.getR(i.size, 0) >>> 0;
  c.stop = Stop.Out;
}

/** INT3 (CC): a breakpoint fault, reported at the INT3 itself. */
export const int3 = (c: CpuState, _i: Insn): never => c.raise("breakpoint", "INT3");

/** INT imm8 (CD): there is no interrupt table in this architecture. */
export const intN = (c: CpuState, i: Insn): never =>
  c.raise("general-protection", `INT 0x${i.imm.toString(16)} (use VMCALL for kernel services)`);

/** Bytes that are not an instruction of the subset (and UD2). */
export const invalid = (c: CpuState, i: Insn): never => c.raise("invalid-opcode", i.bytes);

/**
 * An instruction whose bytes could not be fetched: re-reads the first
 * missing byte so the page fault is raised with its address. If the page
 * has since been mapped, the decoded code is stale: restart the instruction.
 */
export function fetchFault(c: CpuState, i: Insn): void {
  c.mem.read8(i.imm);
  c.staleCode = true;
  c.eip = i.addr;
}

/** NOP, 0F 1F NOP r/m and the other hint NOPs (0F 18-1F), PAUSE, LOCK-only forms. */
export function nop(_c: CpuState, _i: Insn): void {}

/** NOP r/m (0F 18-1F) still computes nothing and touches no memory. */
export const nopRm = nop;

/** CPUID (0F A2): a hypervisor-style identity ("DenaliKernel"). */
export function cpuid(c: CpuState, _i: Insn): void {
  const regs = c.regs, leaf = regs[0]! >>> 0;
  // "DenaliKernel" as EBX, EDX, ECX.
  const vb = 0x616e6544, vd = 0x654b696c, vc = 0x6c656e72;
  let a = 0, b = 0, cc = 0, d = 0;
  if (leaf === 0) {
    a = 1;
    b = vb;
    d = vd;
    cc = vc;
  } else if (leaf === 1) {
    a = 0x00000600; // family 6, model 0, stepping 0
    cc = 1 << 31; // running under a hypervisor
    d = (1 << 4) | (1 << 8) | (1 << 15); // TSC, CX8, CMOV
  } else if (leaf === 0x40000000) {
    a = 0x40000000;
    b = vb;
    cc = vd;
    d = vc;
  }
  regs[0] = a;
  regs[3] = b;
  regs[1] = cc;
  regs[2] = d;
}

/** RDTSC (0F 31): EDX:EAX = the kernel's clock (virtual time under the deterministic clock). */
export function rdtsc(c: CpuState, _i: Insn): void {
  const t = Math.max(0, Math.floor(c.tsc()));
  c.regs[0] = t % 4294967296;
  c.regs[2] = Math.floor(t / 4294967296);
}
