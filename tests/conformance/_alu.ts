/**
 * Generator groups for the integer ALU: ADD OR ADC SBB AND SUB XOR CMP in every encoding
 * (00-3D, 80/81/83), TEST (84/85, A8/A9, F6/F7 /0), INC DEC (40+r, 48+r, FE/FF) and NEG NOT.
 *
 * @module
 */

import { AF, ARITH, CF, hex, OF, PF, SF, ZF } from "./layout.ts";
import { type Builder, type Fx, le, pickSize, prefixes, reg32Of, regName } from "./_builder.ts";
import { maybeSeed, memOp, type Operand, pickReg, regOp, value } from "./_operands.ts";

const ALU_NAMES = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"] as const;
/** Flags of the logic operations: all defined but AF. */
const LOGIC: Fx = { def: CF | PF | ZF | SF | OF, undef: AF };

/** Flag effects of ALU operation `op` (0..7). */
function aluFx(op: number): Fx {
  if (op === 2 || op === 3) return { def: ARITH, read: CF };
  if (op === 1 || op === 4 || op === 6) return LOGIC;
  return { def: ARITH };
}

/**
 * The operand a register/memory slot gets. Seeds chosen registers with edge values first, then
 * builds the memory operand reserving them, so its address setup cannot overwrite them.
 */
export function destOrMem(
  b: Builder,
  size: number,
  write: boolean,
  reserve: number,
  memP = 0.5,
): Operand {
  if (b.r.chance(memP)) return memOp(b, { size, reserve });
  const code = pickReg(b, size, write);
  maybeSeed(b, code, size);
  return regOp(code, size);
}

/** Immediate of `size` bytes as bytes and text. */
function imm(b: Builder, size: number): [number[], string, number] {
  const v = value(b.r, size);
  return [le(v, size), hex(v), v];
}

/** ADD OR ADC SBB AND SUB XOR CMP in one of their encodings. */
export function genAlu(b: Builder): void {
  const r = b.r;
  const op = r.below(8);
  const name = ALU_NAMES[op]!;
  const fx = aluFx(op);
  const writes = op !== 7;
  const size = pickSize(r);
  const w = size === 1 ? 0 : 1;
  const form = r.below(size === 1 ? 4 : 5);
  if (form === 0 || form === 1) {
    // r/m, reg (00/01...) or reg, r/m (02/03...).
    const reg = pickReg(b, size, form === 1 && writes);
    maybeSeed(b, reg, size);
    const rm = destOrMem(b, size, form === 0 && writes, 1 << reg32Of(reg, size));
    const lock = form === 0 && rm.mem && writes && r.chance(0.3);
    b.need(fx.read ?? 0);
    const bytes = [
      ...prefixes(r, { size, lock, mem: rm.mem }),
      op * 8 + form * 2 + w,
      ...rm.modrm(reg),
    ];
    const [d, s] = form === 0 ? [rm.text, regName(reg, size)] : [regName(reg, size), rm.text];
    b.emit(bytes, `${lock ? "lock " : ""}${name} ${d}, ${s}`, fx);
  } else if (form === 2) {
    maybeSeed(b, 0, size);
    const [ib, it] = imm(b, size);
    b.need(fx.read ?? 0);
    b.emit(
      [...prefixes(r, { size }), op * 8 + 4 + w, ...ib],
      `${name} ${regName(0, size)}, ${it}`,
      fx,
    );
  } else {
    const rm = destOrMem(b, size, writes, 0);
    const lock = rm.mem && writes && r.chance(0.3);
    const [ib, it] = form === 4 ? imm(b, 1) : imm(b, size);
    const opc = form === 4 ? 0x83 : size === 1 ? 0x80 : 0x81;
    b.need(fx.read ?? 0);
    b.emit(
      [...prefixes(r, { size, lock, mem: rm.mem }), opc, ...rm.modrm(op), ...ib],
      `${lock ? "lock " : ""}${name} ${rm.text}, ${it}${form === 4 ? " (sign-extended imm8)" : ""}`,
      fx,
    );
  }
}

/** TEST in its encodings 84/85, A8/A9, F6/F7 /0. */
export function genTest(b: Builder): void {
  const r = b.r;
  const size = pickSize(r);
  const w = size === 1 ? 0 : 1;
  const form = r.below(3);
  if (form === 0) {
    const reg = pickReg(b, size, false);
    maybeSeed(b, reg, size);
    const rm = destOrMem(b, size, false, 1 << reg32Of(reg, size));
    b.emit(
      [...prefixes(r, { size, mem: rm.mem }), 0x84 + w, ...rm.modrm(reg)],
      `test ${rm.text}, ${regName(reg, size)}`,
      LOGIC,
    );
  } else if (form === 1) {
    maybeSeed(b, 0, size);
    const [ib, it] = imm(b, size);
    b.emit([...prefixes(r, { size }), 0xa8 + w, ...ib], `test ${regName(0, size)}, ${it}`, LOGIC);
  } else {
    const rm = destOrMem(b, size, false, 0);
    const [ib, it] = imm(b, size);
    b.emit(
      [...prefixes(r, { size, mem: rm.mem }), 0xf6 + w, ...rm.modrm(0), ...ib],
      `test ${rm.text}, ${it}`,
      LOGIC,
    );
  }
}

/** INC DEC (40+r, 48+r, FE/FF /0 /1), NOT (F6/F7 /2), NEG (F6/F7 /3). */
export function genUnary(b: Builder): void {
  const r = b.r;
  const size = pickSize(r);
  const w = size === 1 ? 0 : 1;
  const kind = r.below(4); // inc dec not neg
  const name = ["inc", "dec", "not", "neg"][kind]!;
  const fx: Fx = kind < 2 ? { def: OF | SF | ZF | AF | PF } : kind === 3 ? { def: ARITH } : {};
  if (kind < 2 && size !== 1 && r.chance(0.3)) {
    const reg = pickReg(b, size, true);
    maybeSeed(b, reg, size);
    b.emit([...prefixes(r, { size }), 0x40 + kind * 8 + reg], `${name} ${regName(reg, size)}`, fx);
    return;
  }
  const rm = destOrMem(b, size, true, 0);
  const lock = rm.mem && r.chance(0.3);
  const opc = kind < 2 ? 0xfe + w : 0xf6 + w;
  b.emit(
    [...prefixes(r, { size, lock, mem: rm.mem }), opc, ...rm.modrm(kind)],
    `${lock ? "lock " : ""}${name} ${rm.text}`,
    fx,
  );
}
