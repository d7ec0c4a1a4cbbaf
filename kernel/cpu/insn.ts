/**
 * A decoded instruction. The decoder fills one `Insn` per guest instruction
 * and caches it; the handler runs it as often as the guest executes it, so
 * nothing here is allocated per execution.
 *
 * @module
 */

import type { CpuState } from "./state.ts";

/** Runs one decoded instruction against a CPU state. */
export type Handler = (c: CpuState, i: Insn) => void;

/** One decoded instruction. */
export class Insn {
  /** What runs it. */
  h: Handler;
  /** Handler-specific sub-operation (ALU kind, condition code, ...). */
  sub = 0;
  /** Operand size in bytes (1, 2, 4). */
  size = 4;
  /** Guest address of the first byte. */
  addr = 0;
  /** Length in bytes. */
  len = 0;
  /** Address of the next instruction. */
  next = 0;
  /** The r/m operand is memory (else register `rm`). */
  isMem = false;
  /** Register of the r/m operand when not memory, or the register in short forms. */
  rm = 0;
  /** ModRM reg field. */
  reg = 0;
  /** Memory operand: base register or -1. */
  base: number = -1;
  /** Memory operand: index register or -1. */
  index: number = -1;
  /** Memory operand: log2 of the index scale. */
  scale = 0;
  /** Memory operand: displacement (int32). */
  disp = 0;
  /** Segment override with a base: 0 none, 1 FS, 2 GS. */
  seg = 0;
  /** Immediate. */
  imm = 0;
  /** Second immediate (ENTER) or source size (MOVZX/MOVSX). */
  imm2 = 0;
  /** Repeat prefix: 0 none, 1 REP/REPE (F3), 2 REPNE (F2). */
  rep = 0;
  /** Branch target of relative jumps and calls (uint32). */
  target = 0;
  /** Nothing after this instruction in straight-line order is known to run. */
  end = false;
  /** Instruction bytes when the instruction is a fault placeholder (for reports). */
  bytes = "";

  /** Creates an instruction that runs `h`. */
  constructor(h: Handler) {
    this.h = h;
  }
}

/** Effective address of the memory operand of `i` (with the FS/GS base). */
export function ea(c: CpuState, i: Insn): number {
  let a = i.disp;
  if (i.base >= 0) a += c.regs[i.base]!;
  if (i.index >= 0) a += c.regs[i.index]! << i.scale;
  if (i.seg !== 0) a += i.seg === 1 ? c.fsBase : c.gsBase;
  return a | 0;
}

/** Reads the r/m operand of `i` at the instruction's size. */
export function readRM(c: CpuState, i: Insn): number {
  return i.isMem ? c.rd(i.size, ea(c, i)) : c.getR(i.size, i.rm);
}

/** Writes the r/m operand of `i` at the instruction's size. */
export function writeRM(c: CpuState, i: Insn, v: number): void {
  if (i.isMem) c.wr(i.size, ea(c, i), v);
  else c.setR(i.size, i.rm, v);
}

/** Mask of an operand of `size` bytes, as an int32 (-1 for 32 bits). */
export function maskOf(size: number): number {
  return size === 4 ? -1 : size === 2 ? 0xffff : 0xff;
}

/** Sign-extends a value of `size` bytes to int32. */
export function sext(size: number, v: number): number {
  return size === 4 ? v | 0 : size === 2 ? (v << 16) >> 16 : (v << 24) >> 24;
}
