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
 * REP MOVS and REP STOS going forwards move whole runs at once where every
 * element lies inside one present page on each side, the destination is
 * writable and holds no decoded code, and the copy cannot overlap itself
 * (the same per-iteration budget, registers and memory as one element at a
 * time; anything else takes that path).
 *
 * @module
 */

import { type Insn, maskOf } from "./insn.ts";
import { PTE_CODE } from "../memory/address_space.ts";
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
  const fast = step > 0 && (i.sub === 0 || i.sub === 2);
  let first = true;
  while (regs[1] !== 0) {
    // INVARIANT: one unit stays for the instruction itself, which the run loop charges.
    if (!first && c.budget <= 1) {
      c.eip = i.addr;
      return;
    }
    if (fast) {
      const n = bulk(c, i, srcBase, first ? c.budget : c.budget - 1);
      if (n > 0) {
        c.budget -= first ? n - 1 : n;
        first = false;
        continue;
      }
    }
    if (!first) c.budget--;
    first = false;
    once(c, i, step, srcBase);
    regs[1] = (regs[1]! - 1) | 0;
    if (compares && (c.getZF() === 1) !== (i.rep === 1)) return;
  }
}

/**
 * Moves or stores up to `most` elements forwards in one go within the
 * current source and destination pages; returns how many (0: take the
 * element-at-a-time path).
 */
function bulk(c: CpuState, i: Insn, srcBase: number, most: number): number {
  const regs = c.regs, size = i.size;
  const d = regs[7]! >>> 0;
  let n = Math.min(regs[1]! >>> 0, most, (4096 - (d & 0xfff)) / size | 0);
  if (n <= 0) return 0;
  const mem = c.mem;
  // The destination page must be writable and hold no decoded code (writes there go one by
  // one, so the CPU drops its stale blocks).
  const pd = (mem.pte[d >>> 12]! & PTE_CODE) === 0 ? mem.translate(d, true) : -1;
  if (pd < 0) return 0;
  const u8 = mem.phys.u8;
  if (i.sub === 0) {
    const s = (regs[6]! + srcBase) >>> 0;
    n = Math.min(n, (4096 - (s & 0xfff)) / size | 0);
    if (n <= 0) return 0;
    const ps = mem.translate(s);
    const len = n * size;
    // A destination inside the source run would see its own writes element by element.
    if (ps < 0 || (pd > ps && pd < ps + len)) return 0;
    u8.copyWithin(pd, ps, ps + len);
    regs[6] = (regs[6]! + len) | 0;
  } else {
    const v = c.getR(size, 0), len = n * size;
    if (size === 1) u8.fill(v, pd, pd + len);
    else if (size === 4 && (pd & 3) === 0) mem.phys.i32.fill(v, pd >>> 2, (pd + len) >>> 2);
    else {
      const view = mem.phys.view;
      for (let k = 0; k < len; k += size) {
        if (size === 2) view.setUint16(pd + k, v, true);
        else view.setInt32(pd + k, v, true);
      }
    }
  }
  regs[7] = (regs[7]! + n * size) | 0;
  regs[1] = (regs[1]! - n) | 0;
  return n;
}
