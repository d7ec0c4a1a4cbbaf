/**
 * String instructions MOVS CMPS STOS LODS SCAS (byte, word, dword) with
 * REP / REPE / REPNE.
 *
 * A repeated instruction spends one unit of the run budget per iteration.
 * When the budget runs out it stops with EIP at the instruction and ECX, ESI,
 * EDI showing the iterations done, so it resumes exactly where it left off
 * (as a real CPU does around an interrupt). Each iteration updates registers
 * only after its memory accesses succeed, so faults are precise too.
 *
 * @module
 */

import { type Insn, maskOf } from "./insn.ts";
import type { CpuState } from "./state.ts";

/** `sub` values of {@linkcode stringOp}. */
export const STR = { MOVS: 0, CMPS: 1, STOS: 2, LODS: 3, SCAS: 4 } as const;

function once(c: CpuState, i: Insn, step: number, srcBase: number): void {
  const regs = c.regs, size = i.size;
  switch (i.sub) {
    case 0: {
      const v = c.rd(size, (regs[6]! + srcBase) | 0);
      c.wr(size, regs[7]!, v);
      regs[6] = (regs[6]! + step) | 0;
      regs[7] = (regs[7]! + step) | 0;
      return;
    }
    case 1: {
      const a = c.rd(size, (regs[6]! + srcBase) | 0);
      const b = c.rd(size, regs[7]!);
      regs[6] = (regs[6]! + step) | 0;
      regs[7] = (regs[7]! + step) | 0;
      c.setSub(a, b, (a - b) & maskOf(size), size << 3);
      return;
    }
    case 2:
      c.wr(size, regs[7]!, c.getR(size, 0));
      regs[7] = (regs[7]! + step) | 0;
      return;
    case 3:
      c.setR(size, 0, c.rd(size, (regs[6]! + srcBase) | 0));
      regs[6] = (regs[6]! + step) | 0;
      return;
    default: {
      const b = c.rd(size, regs[7]!);
      const a = c.getR(size, 0);
      regs[7] = (regs[7]! + step) | 0;
      c.setSub(a, b, (a - b) & maskOf(size), size << 3);
    }
  }
}

/** A string instruction, repeated per `rep` (0 none, 1 REP/REPE, 2 REPNE). */
export function stringOp(c: CpuState, i: Insn): void {
  const step = c.dir() * i.size;
  const srcBase = i.seg === 0 ? 0 : i.seg === 1 ? c.fsBase : c.gsBase;
  if (i.rep === 0) {
    once(c, i, step, srcBase);
    return;
  }
  const regs = c.regs;
  const compares = i.sub === 1 || i.sub === 4;
  let first = true;
  while (regs[1] !== 0) {
    if (!first) {
      // INVARIANT: one unit stays for the instruction itself, which the run loop charges.
      if (c.budget <= 1) {
        c.eip = i.addr;
        return;
      }
      c.budget--;
    }
    first = false;
    once(c, i, step, srcBase);
    regs[1] = (regs[1]! - 1) | 0;
    if (compares && (c.getZF() === 1) !== (i.rep === 1)) return;
  }
}
