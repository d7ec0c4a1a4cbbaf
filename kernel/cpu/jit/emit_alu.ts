/**
 * Translation of the integer arithmetic of `ops_alu.ts`: ADD OR ADC SBB AND
 * SUB XOR CMP TEST, INC DEC NEG NOT, MUL IMUL (32-bit), DIV IDIV (32-bit),
 * CBW CWD. Each emitter mirrors its handler: memory operands are read and
 * written before any register or flag local changes.
 *
 * @module
 */

import type { Handler, Insn } from "../insn.ts";
import * as A from "../ops_alu.ts";
import { LOP_ADD, LOP_SUB } from "../state.ts";
import { ALL, CF, type Gen, type OpSpec, spec } from "./gen.ts";

/** Wraps an operation's result to the operand size: int32, or masked. */
export function wrap(size: number, expr: string): string {
  return size === 4 ? `(${expr}) | 0` : `(${expr}) & ${size === 2 ? 65535 : 255}`;
}

function aluResult(g: Gen, kind: number, size: number, d: string, s: string): string {
  switch (kind) {
    case 0:
      return wrap(size, `${d} + ${s}`);
    case 1:
      return wrap(size, `${d} | ${s}`);
    case 2:
      return wrap(size, `${d} + ${s} + ${g.cf()}`);
    case 3:
      return wrap(size, `${d} - ${s} - ${g.cf()}`);
    case 4:
      return wrap(size, `${d} & ${s}`);
    case 6:
      return wrap(size, `${d} ^ ${s}`);
    default:
      return wrap(size, `${d} - ${s}`);
  }
}

function aluFlags(g: Gen, kind: number, d: string, s: string, r: string, bits: number): void {
  if (kind === 0 || kind === 2) g.flagsArith(LOP_ADD, d, s, r, bits);
  else if (kind === 3 || kind === 5 || kind === 7) g.flagsArith(LOP_SUB, d, s, r, bits, kind !== 3);
  else g.flagsLogic(r, bits);
}

/** `op r/m, src` where `src` is an expression free of side effects. */
function aluTo(g: Gen, i: Insn, src: string): void {
  const size = i.size, kind = i.sub;
  const s = /^-?\d+$/.test(src) ? src : g.let(src, "s");
  if (i.isMem) {
    const a = g.let(g.ea(i), "a");
    const d = g.load(size, a);
    const r = g.let(aluResult(g, kind, size, d, s), "r");
    if (kind !== 7) g.store(size, a, r);
    aluFlags(g, kind, d, s, r, size << 3);
  } else {
    const d = g.let(g.reg(size, i.rm), "d");
    const r = g.let(aluResult(g, kind, size, d, s), "r");
    if (kind !== 7) g.setReg(size, i.rm, r);
    aluFlags(g, kind, d, s, r, size << 3);
  }
}

const aluUse = (i: Insn) => (i.sub === 2 || i.sub === 3 ? CF : 0);

const aluStores = (i: Insn) => i.isMem && i.sub !== 7;

const aluRmR = spec({
  stores: aluStores,
  use: aluUse,
  def: () => ALL,
  emit: (g, i) => aluTo(g, i, g.reg(i.size, i.reg)),
});

const aluRmI = spec({
  stores: aluStores,
  use: aluUse,
  def: () => ALL,
  emit: (g, i) => aluTo(g, i, String(i.imm)),
});

const aluRRm = spec({
  stores: () => false,
  use: aluUse,
  def: () => ALL,
  emit(g, i) {
    const size = i.size, kind = i.sub;
    const s = i.isMem ? g.readRM(i) : g.let(g.reg(size, i.rm), "s");
    const d = g.let(g.reg(size, i.reg), "d");
    const r = g.let(aluResult(g, kind, size, d, s), "r");
    if (kind !== 7) g.setReg(size, i.reg, r);
    aluFlags(g, kind, d, s, r, size << 3);
  },
});

function test(g: Gen, i: Insn, src: string): void {
  const d = i.isMem ? g.readRM(i) : g.reg(i.size, i.rm);
  g.flagsLogic(g.let(`${d} & ${src}`, "r"), i.size << 3);
}

const testRmR = spec({
  stores: () => false,
  def: () => ALL,
  emit: (g, i) => test(g, i, g.reg(i.size, i.reg)),
});
const testRmI = spec({
  stores: () => false,
  def: () => ALL,
  emit: (g, i) => test(g, i, String(i.imm)),
});

const incDec = spec({
  use: (_i, live) => live & CF,
  def: () => ALL & ~CF,
  emit(g, i) {
    const size = i.size, dec = i.sub === 1;
    const op = (d: string) => wrap(size, dec ? `${d} - 1` : `${d} + 1`);
    if (i.isMem) {
      const a = g.let(g.ea(i), "a");
      const d = g.load(size, a);
      const r = g.let(op(d), "r");
      g.store(size, a, r);
      g.flagsIncDec(dec, d, r, size << 3);
    } else {
      const d = g.let(g.reg(size, i.rm), "d");
      const r = g.let(op(d), "r");
      g.setReg(size, i.rm, r);
      g.flagsIncDec(dec, d, r, size << 3);
    }
  },
});

const not = spec({
  emit(g, i) {
    const m = i.size === 4 ? -1 : i.size === 2 ? 65535 : 255;
    if (i.isMem) {
      const a = g.let(g.ea(i), "a");
      const d = g.load(i.size, a);
      g.store(i.size, a, `~${d} & ${m}`);
    } else g.setReg(i.size, i.rm, `~${g.reg(i.size, i.rm)} & ${m}`);
  },
});

const neg = spec({
  def: () => ALL,
  emit(g, i) {
    const size = i.size;
    if (i.isMem) {
      const a = g.let(g.ea(i), "a");
      const d = g.load(size, a);
      const r = g.let(wrap(size, `-${d}`), "r");
      g.store(size, a, r);
      g.flagsArith(LOP_SUB, "0", d, r, size << 3, true);
    } else {
      const d = g.let(g.reg(size, i.rm), "d");
      const r = g.let(wrap(size, `-${d}`), "r");
      g.setReg(size, i.rm, r);
      g.flagsArith(LOP_SUB, "0", d, r, size << 3, true);
    }
  },
});

const only32 = (i: Insn) => i.size === 4;

/** MUL / IMUL r/m32: EDX:EAX = EAX * src. */
function mulAcc(signed: boolean): OpSpec {
  return spec({
    native: only32,
    stores: () => false,
    def: () => ALL,
    emit(g, i) {
      const s = g.readRM(i);
      const a = g.let("r0", "m");
      const lo = g.let(`Math.imul(${a}, ${s})`, "lo");
      const hi = g.let(signed ? `mulHiS(${a}, ${s})` : `mulHiU(${a} >>> 0, ${s} >>> 0)`, "hi");
      g.emit(`r0 = ${lo}; r2 = ${hi};`);
      if (g.live(ALL)) {
        const f = g.let(signed ? `${hi} !== (${lo} >> 31) ? 1 : 0` : `${hi} !== 0 ? 1 : 0`, "f");
        g.flagsRes(lo, 32, f, f);
      } else g.flagsRes(lo, 32, "0", "0");
    },
  });
}

/** IMUL reg, a * b truncated to 32 bits; the overflow test only when a flag is read. */
function imulTrunc(g: Gen, i: Insn, a: string, b: string): void {
  const r = g.let(`Math.imul(${a}, ${b})`, "r");
  if (g.live(ALL)) {
    const f = g.let(`mulHiS(${a}, ${b}) !== (${r} >> 31) ? 1 : 0`, "f");
    g.setReg(4, i.reg, r);
    g.flagsRes(r, 32, f, f);
  } else {
    g.setReg(4, i.reg, r);
    g.flagsRes(r, 32, "0", "0");
  }
}

const imul2 = spec({
  stores: () => false,
  native: only32,
  def: () => ALL,
  emit(g, i) {
    const s = i.isMem ? g.readRM(i) : g.let(g.reg(4, i.rm), "s");
    imulTrunc(g, i, g.let(g.reg(4, i.reg), "d"), s);
  },
});

const imul3 = spec({
  stores: () => false,
  native: only32,
  def: () => ALL,
  emit(g, i) {
    const s = i.isMem ? g.readRM(i) : g.let(g.reg(4, i.rm), "s");
    imulTrunc(g, i, s, String(i.imm));
  },
});

const div = spec({
  stores: () => false,
  native: only32,
  faults: () => true,
  emit(g, i) {
    const s = g.readRM(i);
    g.fault();
    const d = g.let(`${s} >>> 0`, "dv"), hi = g.let("r2 >>> 0", "hi"), lo = g.let("r0 >>> 0", "lo");
    g.emit(`if (${d} === 0) c.raise("divide-error", "division by zero");`);
    g.emit(`if (${hi} >= ${d}) c.raise("divide-error", "quotient overflow");`);
    const q = g.let(`${hi} === 0 ? Math.floor(${lo} / ${d}) : udivq(${hi}, ${lo}, ${d})`, "q");
    g.emit(`r0 = ${q} | 0; r2 = (${lo} - Math.imul(${q}, ${d})) | 0;`);
  },
});

const idiv = spec({
  stores: () => false,
  native: only32,
  faults: () => true,
  emit(g, i) {
    const s = g.readRM(i);
    g.fault();
    const sv = g.let(`${s} | 0`, "dv");
    g.emit(`if (${sv} === 0) c.raise("divide-error", "division by zero");`);
    // Fast path: EDX is the sign extension of EAX (after CDQ), so the dividend fits in int32.
    g.emit(`if (r2 === (r0 >> 31)) {`);
    g.emit(
      `if (r0 === -2147483648 && ${sv} === -1) c.raise("divide-error", "quotient overflow");`,
    );
    const q = g.let(`(r0 / ${sv}) | 0`, "q");
    g.emit(`r2 = (r0 - Math.imul(${q}, ${sv})) | 0; r0 = ${q};`);
    g.emit(`} else {`);
    g.callHandler([0, 2]);
    g.emit(`}`);
  },
});

const cbw = spec({
  emit(g, i) {
    if (i.size === 2) g.setReg(2, 0, "(r0 << 24) >> 24");
    else g.emit("r0 = (r0 << 16) >> 16;");
  },
});

const cwd = spec({
  emit(g, i) {
    if (i.size === 2) g.setReg(2, 2, "(r0 << 16) >> 31");
    else g.emit("r2 = r0 >> 31;");
  },
});

/** Emitters of the arithmetic handlers. */
export const ALU_SPECS: [Handler, OpSpec][] = [
  [A.aluRmR, aluRmR],
  [A.aluRmI, aluRmI],
  [A.aluRRm, aluRRm],
  [A.testRmR, testRmR],
  [A.testRmI, testRmI],
  [A.incDec, incDec],
  [A.not, not],
  [A.neg, neg],
  [A.mul, mulAcc(false)],
  [A.imul1, mulAcc(true)],
  [A.imul2, imul2],
  [A.imul3, imul3],
  [A.div, div],
  [A.idiv, idiv],
  [A.cbw, cbw],
  [A.cwd, cwd],
];
