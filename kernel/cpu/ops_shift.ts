/**
 * Shifts, rotates and bit operations: ROL ROR RCL RCR SHL SHR SAR (by 1, CL,
 * imm8), SHLD SHRD, BT BTS BTR BTC, BSF BSR, BSWAP.
 *
 * Flags Intel leaves undefined, and what this CPU does:
 * - shifts by a non-zero count: AF = 0; OF is computed by the count-1 rule for
 *   any count; CF for SHL/SHR of 8/16-bit operands by more than the width is 0.
 * - rotates touch only CF and OF (OF by the count-1 rule for any count).
 * - BT/BTS/BTR/BTC: only CF changes; BSF/BSR: only ZF changes, and the
 *   destination is left unchanged when the source is zero.
 * - SHLD/SHRD of 16-bit operands by more than 16: the result is the 32-bit
 *   rule applied to d:s (undefined on Intel).
 *
 * @module
 */

import { ea, type Insn, maskOf, sext } from "./insn.ts";
import { type CpuState, FLAGS } from "./state.ts";

/** Shift count source, stored in `Insn.imm2`: immediate, 1, or CL. */
export const COUNT_IMM = 0, COUNT_ONE = 1, COUNT_CL = 2;

function countOf(c: CpuState, i: Insn): number {
  return (i.imm2 === COUNT_CL ? c.regs[1]! : i.imm2 === COUNT_ONE ? 1 : i.imm) & 31;
}

function setCfOf(c: CpuState, cf: number, of: number): void {
  c.materialize();
  c.fl = (c.fl & ~(FLAGS.CF | FLAGS.OF)) | cf | (of << 11);
}

/** Group 2 (C0 C1 D0-D3): `sub` is ROL ROR RCL RCR SHL SHR SAL SAR. */
export function shift(c: CpuState, i: Insn): void {
  const count = countOf(c, i);
  if (count === 0) {
    // Still touch memory as the CPU does (a faulting operand faults).
    if (i.isMem) c.rd(i.size, ea(c, i));
    return;
  }
  const size = i.size, bits = size << 3, m = maskOf(size);
  const a = i.isMem ? ea(c, i) : 0;
  const v = i.isMem ? c.rd(size, a) : c.getR(size, i.rm);
  const u = v & m;
  let r = 0, cf = 0, of = 0, kind = i.sub;
  let rot = true;
  switch (kind) {
    case 0: { // ROL
      const n = count % bits;
      r = n === 0 ? u : ((u << n) | ((u >>> 0) >>> (bits - n))) & m;
      cf = r & 1;
      of = ((r >>> (bits - 1)) & 1) ^ cf;
      break;
    }
    case 1: { // ROR
      const n = count % bits;
      r = n === 0 ? u : (((u >>> 0) >>> n) | (u << (bits - n))) & m;
      cf = (r >>> (bits - 1)) & 1;
      of = cf ^ ((r >>> (bits - 2)) & 1);
      break;
    }
    case 2: { // RCL
      const n = bits === 32 ? count : count % (bits + 1);
      const cin = c.getCF();
      if (n === 0) {
        r = u;
        cf = cin;
      } else if (bits === 32) {
        const x = u >>> 0;
        r = n === 1 ? (x << 1) | cin : (x << n) | (cin << (n - 1)) | (x >>> (33 - n));
        cf = (x >>> (32 - n)) & 1;
      } else {
        const wide = (cin << bits) | u, w = bits + 1;
        const rr = ((wide << n) | (wide >>> (w - n))) & ((1 << w) - 1);
        r = rr & m;
        cf = rr >>> bits;
      }
      of = ((r >>> (bits - 1)) & 1) ^ cf;
      break;
    }
    case 3: { // RCR
      const n = bits === 32 ? count : count % (bits + 1);
      const cin = c.getCF();
      if (n === 0) {
        r = u;
        cf = cin;
      } else if (bits === 32) {
        const x = u >>> 0;
        r = n === 1 ? (x >>> 1) | (cin << 31) : (x >>> n) | (cin << (32 - n)) | (x << (33 - n));
        cf = (x >>> (n - 1)) & 1;
      } else {
        const wide = (cin << bits) | u, w = bits + 1;
        const rr = ((wide >>> n) | (wide << (w - n))) & ((1 << w) - 1);
        r = rr & m;
        cf = rr >>> bits;
      }
      of = ((r >>> (bits - 1)) ^ (r >>> (bits - 2))) & 1;
      break;
    }
    case 4:
    case 6: // SHL / SAL
      rot = false;
      r = (u << count) & m;
      cf = count <= bits ? ((u >>> 0) >>> (bits - count)) & 1 : 0;
      of = ((r >>> (bits - 1)) & 1) ^ cf;
      break;
    case 5: // SHR
      rot = false;
      r = (u >>> 0) >>> count;
      cf = ((u >>> 0) >>> (count - 1)) & 1;
      of = (u >>> (bits - 1)) & 1;
      break;
    default: { // SAR
      rot = false;
      const sv = sext(size, u);
      r = (sv >> count) & m;
      cf = (sv >> (count - 1)) & 1;
      of = 0;
      kind = 7;
    }
  }
  r &= m;
  if (i.isMem) c.wr(size, a, r);
  else c.setR(size, i.rm, r);
  if (rot) setCfOf(c, cf, of);
  else c.setRes(r, bits, cf, of, 0);
}

/** SHLD (sub 0) / SHRD (sub 1) r/m, reg, imm8|CL (0F A4 A5 AC AD). */
export function shiftDouble(c: CpuState, i: Insn): void {
  const count = countOf(c, i);
  const size = i.size, bits = size << 3, m = maskOf(size);
  const a = i.isMem ? ea(c, i) : 0;
  const d = i.isMem ? c.rd(size, a) : c.getR(size, i.rm);
  if (count === 0) return;
  const s = c.getR(size, i.reg);
  let r: number, cf: number;
  if (bits === 32) {
    if (i.sub === 0) {
      r = (d << count) | (s >>> (32 - count));
      cf = (d >>> (32 - count)) & 1;
    } else {
      r = (d >>> count) | (s << (32 - count));
      cf = (d >>> (count - 1)) & 1;
    }
  } else {
    // 16-bit: operate on d:s (left) or s:d (right) as a 32-bit value.
    if (i.sub === 0) {
      const w = ((d << 16) | s) >>> 0;
      r = (count <= 16 ? w << count : (w << count) | (d << (count - 16))) >>> 16;
      cf = (w >>> (32 - count)) & 1;
    } else {
      const w = ((s << 16) | d) >>> 0;
      r = count <= 16 ? w >>> count : (w >>> count) | (d << (32 - count));
      cf = (w >>> (count - 1)) & 1;
    }
  }
  r &= m;
  const of = ((r ^ d) >>> (bits - 1)) & 1;
  if (i.isMem) c.wr(size, a, r);
  else c.setR(size, i.rm, r);
  c.setRes(r, bits, cf, of, 0);
}

/** BT BTS BTR BTC (`sub` 0..3) with a register (`imm2`=0) or imm8 (`imm2`=1) bit offset. */
export function bitTest(c: CpuState, i: Insn): void {
  const size = i.size, bits = size << 3;
  let off: number, a = 0;
  if (i.imm2 === 1) off = i.imm & (bits - 1);
  else {
    const raw = c.getR(size, i.reg);
    if (i.isMem) {
      const so = sext(size, raw);
      a = ea(c, i) + (bits === 32 ? (so >> 5) << 2 : (so >> 4) << 1);
      off = so & (bits - 1);
    } else off = raw & (bits - 1);
  }
  if (i.isMem && i.imm2 === 1) a = ea(c, i);
  const v = i.isMem ? c.rd(size, a) : c.getR(size, i.rm);
  const cf = (v >>> off) & 1;
  if (i.sub !== 0) {
    const bit = 1 << off;
    const r = i.sub === 1 ? v | bit : i.sub === 2 ? v & ~bit : v ^ bit;
    if (i.isMem) c.wr(size, a, r & maskOf(size));
    else c.setR(size, i.rm, r);
  }
  c.materialize();
  c.fl = (c.fl & ~FLAGS.CF) | cf;
}

/** BSF (sub 0) / BSR (sub 1). */
export function bitScan(c: CpuState, i: Insn): void {
  const v = (i.isMem ? c.rd(i.size, ea(c, i)) : c.getR(i.size, i.rm)) & maskOf(i.size);
  c.materialize();
  if (v === 0) {
    c.fl |= FLAGS.ZF;
    return;
  }
  c.fl &= ~FLAGS.ZF;
  c.setR(i.size, i.reg, i.sub === 0 ? 31 - Math.clz32(v & -v) : 31 - Math.clz32(v));
}

/** BSWAP reg (0F C8+r). The 16-bit form (undefined on Intel) clears the low word. */
export function bswap(c: CpuState, i: Insn): void {
  const v = c.regs[i.rm]!;
  if (i.size === 2) {
    c.setR(2, i.rm, 0);
    return;
  }
  c.regs[i.rm] = (v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24);
}
