/**
 * Translation of `ops_shift.ts`: SHL SHR SAR by an immediate or CL, ROL ROR
 * by an immediate, SHLD SHRD (32-bit), BSWAP. RCL RCR and the bit
 * instructions run through their handlers. The formulas are the handlers'
 * with the count known at translation time where it is.
 *
 * @module
 */

import type { Handler, Insn } from "../insn.ts";
import * as S from "../ops_shift.ts";
import { ALL, CF, FIX_CF, type Gen, OF, type OpSpec, spec } from "./gen.ts";

const maskOf = (size: number) => (size === 4 ? -1 : size === 2 ? 65535 : 255);

/** The count when it is known at translation time (already masked to 5 bits), else -1. */
function fixedCount(i: Insn): number {
  if (i.imm2 === S.COUNT_CL) return -1;
  return (i.imm2 === S.COUNT_ONE ? 1 : i.imm) & 31;
}

function sext(size: number, v: string): string {
  return size === 4 ? v : size === 2 ? `((${v} << 16) >> 16)` : `((${v} << 24) >> 24)`;
}

/** Reads the destination; returns its value and (memory) address. */
function operand(g: Gen, i: Insn): { u: string; a: string | undefined } {
  if (i.isMem) {
    const a = g.let(g.ea(i), "a");
    return { u: g.load(i.size, a), a };
  }
  return { u: g.let(g.reg(i.size, i.rm), "u"), a: undefined };
}

/** SHL/SHR/SAR of `u` by `n` (a literal 1..31 or a name): result, CF and OF expressions. */
function shiftExprs(kind: number, size: number, u: string, n: string) {
  const bits = size << 3, m = maskOf(size);
  const lit = /^\d+$/.test(n) ? Number(n) : -1;
  if (kind === 4 || kind === 6) {
    const r = `(${u} << ${n}) & ${m}`;
    let cf: string;
    if (bits === 32) cf = `((${u} >>> (32 - ${n})) & 1)`;
    else if (lit >= 0) cf = lit <= bits ? `(((${u} >>> 0) >>> ${bits - lit}) & 1)` : "0";
    else cf = `(${n} <= ${bits} ? ((${u} >>> (${bits} - ${n})) & 1) : 0)`;
    return { r, cf, of: (r2: string, c: string) => `(((${r2} >>> ${bits - 1}) & 1) ^ ${c})` };
  }
  if (kind === 5) {
    return {
      r: `((${u} >>> 0) >>> ${n}) & ${m}`,
      cf: `((${u} >>> (${n} - 1)) & 1)`,
      of: () => `((${u} >>> ${bits - 1}) & 1)`,
    };
  }
  const sv = sext(size, u);
  return { r: `(${sv} >> ${n}) & ${m}`, cf: `((${sv} >> (${n} - 1)) & 1)`, of: () => "0" };
}

function emitShift(g: Gen, i: Insn): void {
  const size = i.size, bits = size << 3, kind = i.sub, m = maskOf(size);
  const count = fixedCount(i);
  if (count === 0) {
    if (i.isMem) g.load(size, g.let(g.ea(i), "a"));
    return;
  }
  const n = count > 0 ? String(count) : g.let("r1 & 31", "n");
  const { u, a } = operand(g, i);
  if (kind === 0 || kind === 1) {
    // ROL / ROR by a fixed count: only CF and OF change.
    const k = count % bits;
    let r: string;
    if (k === 0) r = u;
    else if (kind === 0) r = `((${u} << ${k}) | ((${u} >>> 0) >>> ${bits - k})) & ${m}`;
    else r = `(((${u} >>> 0) >>> ${k}) | (${u} << ${bits - k})) & ${m}`;
    const rv = g.let(r, "r");
    if (i.isMem) g.store(size, a!, rv);
    else g.setReg(size, i.rm, rv);
    if (g.live(ALL)) {
      const cf = kind === 0 ? `(${rv} & 1)` : `((${rv} >>> ${bits - 1}) & 1)`;
      const of = kind === 0
        ? `(((${rv} >>> ${bits - 1}) & 1) ^ (${rv} & 1))`
        : `(((${rv} >>> ${bits - 1}) ^ (${rv} >>> ${bits - 2})) & 1)`;
      if (g.live(ALL & ~(CF | OF))) g.emit(`${FIX_CF} Ffl = lazyFlags(Fop, Fd, Fs, Fr, Fb, Ffl);`);
      g.emit(`Ffl = (Ffl & -2050) | ${cf} | (${of} << 11); Fop = 0;`);
    }
    g.flagsUnknown();
    return;
  }
  const e = shiftExprs(kind, size, u, n);
  if (count < 0) g.emit(`if (${n} !== 0) {`);
  const r = g.let(e.r, "r");
  if (i.isMem) g.store(size, a!, r);
  else g.setReg(size, i.rm, r);
  if (g.live(ALL)) {
    const cf = g.let(e.cf, "cf");
    g.flagsRes(r, bits, cf, e.of(r, cf));
  } else g.flagsRes(r, bits, "0", "0");
  if (count < 0) {
    g.emit("}");
    g.flagsUnknown();
  }
}

const shift = spec({
  native: (i) => i.sub !== 2 && i.sub !== 3 && (i.imm2 !== S.COUNT_CL || i.sub >= 4),
  use(i, live) {
    const n = fixedCount(i);
    return n > 0 && i.sub <= 1 ? live & ALL & ~(CF | OF) : 0;
  },
  def(i) {
    const n = fixedCount(i);
    if (n <= 0) return 0;
    return i.sub <= 1 ? CF | OF : ALL;
  },
  emit: emitShift,
});

/** SHLD / SHRD r/m32, reg, imm8|CL. */
const shiftDouble = spec({
  native: (i) => i.size === 4,
  def: (i) => (fixedCount(i) > 0 ? ALL : 0),
  emit(g, i) {
    const count = fixedCount(i);
    const n = count >= 0 ? String(count) : g.let("r1 & 31", "n");
    const { u: d, a } = operand(g, i);
    if (count === 0) return;
    if (count < 0) g.emit(`if (${n} !== 0) {`);
    const s = g.let(g.reg(4, i.reg), "s");
    const left = i.sub === 0;
    const r = g.let(
      left ? `(${d} << ${n}) | (${s} >>> (32 - ${n}))` : `(${d} >>> ${n}) | (${s} << (32 - ${n}))`,
      "r",
    );
    if (i.isMem) g.store(4, a!, r);
    else g.setReg(4, i.rm, r);
    if (g.live(ALL)) {
      const cf = g.let(left ? `(${d} >>> (32 - ${n})) & 1` : `(${d} >>> (${n} - 1)) & 1`, "cf");
      g.flagsRes(r, 32, cf, `(((${r} ^ ${d}) >>> 31) & 1)`);
    } else g.flagsRes(r, 32, "0", "0");
    if (count < 0) {
      g.emit("}");
      g.flagsUnknown();
    }
  },
});

const bswap = spec({
  faults: () => false,
  emit(g, i) {
    if (i.size === 2) {
      g.setReg(2, i.rm, "0");
      return;
    }
    const v = `r${i.rm}`;
    g.emit(
      `${v} = (${v} >>> 24) | ((${v} >>> 8) & 65280) | ((${v} & 65280) << 8) | (${v} << 24);`,
    );
  },
});

/** Emitters of the shift handlers. */
export const SHIFT_SPECS: [Handler, OpSpec][] = [
  [S.shift, shift],
  [S.shiftDouble, shiftDouble],
  [S.bswap, bswap],
];
