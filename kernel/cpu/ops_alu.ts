/**
 * Integer arithmetic and logic: ADD OR ADC SBB AND SUB XOR CMP TEST, INC DEC
 * NEG NOT, MUL IMUL DIV IDIV, CBW CWDE CWD CDQ.
 *
 * Memory destinations are written before flags are recorded, so a write that
 * faults leaves the flags as they were (precise faults).
 *
 * @module
 */

import { ea, type Insn, maskOf, sext } from "./insn.ts";
import type { CpuState } from "./state.ts";

/** ALU kinds in x86 encoding order (the reg field of group 1). */
export const ALU = { ADD: 0, OR: 1, ADC: 2, SBB: 3, AND: 4, SUB: 5, XOR: 6, CMP: 7 } as const;

function aluResult(c: CpuState, kind: number, d: number, s: number, m: number): number {
  switch (kind) {
    case 0:
      return (d + s) & m;
    case 1:
      return (d | s) & m;
    case 2:
      return (d + s + c.getCF()) & m;
    case 3:
      return (d - s - c.getCF()) & m;
    case 4:
      return d & s & m;
    case 6:
      return (d ^ s) & m;
    default:
      return (d - s) & m;
  }
}

function aluFlags(c: CpuState, kind: number, d: number, s: number, r: number, bits: number): void {
  switch (kind) {
    case 0:
    case 2:
      c.setAdd(d, s, r, bits);
      return;
    case 3:
    case 5:
    case 7:
      c.setSub(d, s, r, bits);
      return;
    default:
      c.setLogic(r, bits);
  }
}

function aluTo(c: CpuState, i: Insn, s: number): void {
  const size = i.size, m = maskOf(size), kind = i.sub;
  if (i.isMem) {
    const a = ea(c, i);
    const d = c.rd(size, a);
    const r = aluResult(c, kind, d, s, m);
    if (kind !== 7) c.wr(size, a, r);
    aluFlags(c, kind, d, s, r, size << 3);
  } else {
    const d = c.getR(size, i.rm);
    const r = aluResult(c, kind, d, s, m);
    if (kind !== 7) c.setR(size, i.rm, r);
    aluFlags(c, kind, d, s, r, size << 3);
  }
}

/** `op r/m, reg` (00, 01, 08, ... 39). */
export const aluRmR = (c: CpuState, i: Insn): void => aluTo(c, i, c.getR(i.size, i.reg));

/** `op r/m, imm` (80, 81, 83, and the accumulator forms 04, 05, ... 3D). */
export const aluRmI = (c: CpuState, i: Insn): void => aluTo(c, i, i.imm);

/** `op reg, r/m` (02, 03, ... 3B). */
export function aluRRm(c: CpuState, i: Insn): void {
  const size = i.size, kind = i.sub;
  const s = i.isMem ? c.rd(size, ea(c, i)) : c.getR(size, i.rm);
  const d = c.getR(size, i.reg);
  const r = aluResult(c, kind, d, s, maskOf(size));
  if (kind !== 7) c.setR(size, i.reg, r);
  aluFlags(c, kind, d, s, r, size << 3);
}

/** TEST r/m, reg (84, 85). */
export function testRmR(c: CpuState, i: Insn): void {
  const d = i.isMem ? c.rd(i.size, ea(c, i)) : c.getR(i.size, i.rm);
  c.setLogic(d & c.getR(i.size, i.reg), i.size << 3);
}

/** TEST r/m, imm (A8, A9, F6 /0, F7 /0). */
export function testRmI(c: CpuState, i: Insn): void {
  const d = i.isMem ? c.rd(i.size, ea(c, i)) : c.getR(i.size, i.rm);
  c.setLogic(d & i.imm, i.size << 3);
}

/** INC (sub 0) or DEC (sub 1) of r/m (40-4F, FE, FF). */
export function incDec(c: CpuState, i: Insn): void {
  const size = i.size, m = maskOf(size), dec = i.sub === 1;
  if (i.isMem) {
    const a = ea(c, i);
    const d = c.rd(size, a);
    const r = (dec ? d - 1 : d + 1) & m;
    c.wr(size, a, r);
    c.setIncDec(dec, d, r, size << 3);
  } else {
    const d = c.getR(size, i.rm);
    const r = (dec ? d - 1 : d + 1) & m;
    c.setR(size, i.rm, r);
    c.setIncDec(dec, d, r, size << 3);
  }
}

/** NOT r/m (F6/F7 /2); no flags. */
export function not(c: CpuState, i: Insn): void {
  const m = maskOf(i.size);
  if (i.isMem) {
    const a = ea(c, i);
    c.wr(i.size, a, ~c.rd(i.size, a) & m);
  } else c.setR(i.size, i.rm, ~c.getR(i.size, i.rm) & m);
}

/** NEG r/m (F6/F7 /3). */
export function neg(c: CpuState, i: Insn): void {
  const size = i.size, m = maskOf(size);
  if (i.isMem) {
    const a = ea(c, i);
    const d = c.rd(size, a);
    const r = -d & m;
    c.wr(size, a, r);
    c.setSub(0, d, r, size << 3);
  } else {
    const d = c.getR(size, i.rm);
    const r = -d & m;
    c.setR(size, i.rm, r);
    c.setSub(0, d, r, size << 3);
  }
}

/** High 32 bits of the unsigned 64-bit product of two uint32 values. */
export function mulHiU(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/** High 32 bits of the signed 64-bit product of two int32 values. */
export function mulHiS(a: number, b: number): number {
  return (mulHiU(a >>> 0, b >>> 0) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** MUL r/m (F6/F7 /4): unsigned accumulator multiply. CF=OF=high half non-zero. */
export function mul(c: CpuState, i: Insn): void {
  const s = i.isMem ? c.rd(i.size, ea(c, i)) : c.getR(i.size, i.rm);
  const regs = c.regs;
  if (i.size === 1) {
    const r = (regs[0]! & 0xff) * s;
    c.setR(2, 0, r);
    const f = r > 0xff ? 1 : 0;
    c.setRes(r, 8, f, f, 0);
  } else if (i.size === 2) {
    const r = (regs[0]! & 0xffff) * s;
    c.setR(2, 0, r);
    c.setR(2, 2, r >>> 16);
    const f = r > 0xffff ? 1 : 0;
    c.setRes(r, 16, f, f, 0);
  } else {
    const a = regs[0]!;
    const lo = Math.imul(a, s), hi = mulHiU(a >>> 0, s >>> 0);
    regs[0] = lo;
    regs[2] = hi;
    const f = hi !== 0 ? 1 : 0;
    c.setRes(lo, 32, f, f, 0);
  }
}

/** IMUL r/m (F6/F7 /5): signed accumulator multiply. */
export function imul1(c: CpuState, i: Insn): void {
  const s = sext(i.size, i.isMem ? c.rd(i.size, ea(c, i)) : c.getR(i.size, i.rm));
  const regs = c.regs;
  if (i.size === 1) {
    const r = ((regs[0]! << 24) >> 24) * s;
    c.setR(2, 0, r);
    const f = r !== (r << 24) >> 24 ? 1 : 0;
    c.setRes(r, 8, f, f, 0);
  } else if (i.size === 2) {
    const r = ((regs[0]! << 16) >> 16) * s;
    c.setR(2, 0, r);
    c.setR(2, 2, r >> 16);
    const f = r !== (r << 16) >> 16 ? 1 : 0;
    c.setRes(r, 16, f, f, 0);
  } else {
    const a = regs[0]!;
    const lo = Math.imul(a, s), hi = mulHiS(a, s);
    regs[0] = lo;
    regs[2] = hi;
    const f = hi !== lo >> 31 ? 1 : 0;
    c.setRes(lo, 32, f, f, 0);
  }
}

function imulTrunc(c: CpuState, i: Insn, a: number, b: number): void {
  let r: number, f: number;
  if (i.size === 4) {
    r = Math.imul(a, b);
    f = mulHiS(a, b) !== r >> 31 ? 1 : 0;
  } else {
    const full = sext(2, a) * sext(2, b);
    r = full & 0xffff;
    f = full !== (full << 16) >> 16 ? 1 : 0;
  }
  c.setR(i.size, i.reg, r);
  c.setRes(r, i.size << 3, f, f, 0);
}

/** IMUL reg, r/m (0F AF). */
export function imul2(c: CpuState, i: Insn): void {
  const s = i.isMem ? c.rd(i.size, ea(c, i)) : c.getR(i.size, i.rm);
  imulTrunc(c, i, c.getR(i.size, i.reg), s);
}

/** IMUL reg, r/m, imm (69, 6B). */
export function imul3(c: CpuState, i: Insn): void {
  const s = i.isMem ? c.rd(i.size, ea(c, i)) : c.getR(i.size, i.rm);
  imulTrunc(c, i, s, i.imm);
}

/**
 * Divides the unsigned 64-bit value hi:lo by d (all uint32, hi < d) exactly,
 * with doubles and no allocation. Returns the quotient; the remainder is
 * `hi:lo - q*d`, recomputed by the caller.
 */
function udiv64(hi: number, lo: number, d: number): number {
  const n1 = hi * 65536 + (lo >>> 16);
  const q1 = Math.floor(n1 / d);
  const n0 = (n1 - q1 * d) * 65536 + (lo & 0xffff);
  return q1 * 65536 + Math.floor(n0 / d);
}

/** DIV r/m (F6/F7 /6). Divide error on zero or a quotient too large. Flags unchanged. */
export function div(c: CpuState, i: Insn): void {
  const s = i.isMem ? c.rd(i.size, ea(c, i)) : c.getR(i.size, i.rm);
  const regs = c.regs;
  if (s === 0) c.raise("divide-error", "division by zero");
  if (i.size === 1) {
    const n = regs[0]! & 0xffff;
    const q = Math.floor(n / s);
    if (q > 0xff) c.raise("divide-error", "quotient overflow");
    c.setR(2, 0, ((n - q * s) << 8) | q);
  } else if (i.size === 2) {
    const n = ((regs[2]! & 0xffff) << 16 | (regs[0]! & 0xffff)) >>> 0;
    const q = Math.floor(n / s);
    if (q > 0xffff) c.raise("divide-error", "quotient overflow");
    c.setR(2, 0, q);
    c.setR(2, 2, n - q * s);
  } else {
    const d = s >>> 0, hi = regs[2]! >>> 0, lo = regs[0]! >>> 0;
    if (hi >= d) c.raise("divide-error", "quotient overflow");
    const q = udiv64(hi, lo, d);
    regs[0] = q;
    regs[2] = lo - Math.imul(q, d);
  }
}

/** IDIV r/m (F6/F7 /7). Quotient truncates toward zero; remainder has the dividend's sign. */
export function idiv(c: CpuState, i: Insn): void {
  const raw = i.isMem ? c.rd(i.size, ea(c, i)) : c.getR(i.size, i.rm);
  const s = sext(i.size, raw);
  const regs = c.regs;
  if (s === 0) c.raise("divide-error", "division by zero");
  if (i.size === 1 || i.size === 2) {
    const n = i.size === 1
      ? (regs[0]! << 16) >> 16
      : ((regs[2]! & 0xffff) << 16) | (regs[0]! & 0xffff);
    const q = Math.trunc(n / s);
    const lim = i.size === 1 ? 0x80 : 0x8000;
    if (q >= lim || q < -lim) c.raise("divide-error", "quotient overflow");
    const r = n - q * s;
    if (i.size === 1) c.setR(2, 0, ((r & 0xff) << 8) | (q & 0xff));
    else {
      c.setR(2, 0, q);
      c.setR(2, 2, r);
    }
    return;
  }
  const hi = regs[2]!, lo = regs[0]!;
  const nneg = hi < 0;
  // |dividend| as uint32 halves.
  let mhi = hi >>> 0, mlo = lo >>> 0;
  if (nneg) {
    mlo = (-lo) >>> 0;
    mhi = (~hi + (mlo === 0 ? 1 : 0)) >>> 0;
  }
  const md = Math.abs(s);
  if (mhi >= md) c.raise("divide-error", "quotient overflow");
  const mq = udiv64(mhi, mlo, md);
  const qneg = nneg !== s < 0;
  if (qneg ? mq > 0x80000000 : mq > 0x7fffffff) c.raise("divide-error", "quotient overflow");
  const mr = (mlo - Math.imul(mq, md)) >>> 0;
  regs[0] = qneg ? -mq : mq;
  regs[2] = nneg ? -mr : mr;
}

/** CBW (16-bit) / CWDE (32-bit), opcode 98. */
export function cbw(c: CpuState, i: Insn): void {
  if (i.size === 2) c.setR(2, 0, (c.regs[0]! << 24) >> 24);
  else c.regs[0] = (c.regs[0]! << 16) >> 16;
}

/** CWD (16-bit) / CDQ (32-bit), opcode 99. */
export function cwd(c: CpuState, i: Insn): void {
  if (i.size === 2) c.setR(2, 2, (c.regs[0]! << 16) >> 31);
  else c.regs[2] = c.regs[0]! >> 31;
}
