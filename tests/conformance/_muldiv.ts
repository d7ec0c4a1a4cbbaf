/**
 * Generator groups for multiplication and division: MUL, IMUL with one, two and three operands,
 * DIV and IDIV. Divisions usually get operands loaded right before them so the generator knows
 * they do not fault; some run on whatever the registers hold; and a terminal variant divides by
 * zero or overflows the quotient on purpose, so the case ends in a divide error.
 *
 * @module
 */

import { AF, ARITH, CF, hex, OF, PF, SF, ZF } from "./layout.ts";
import {
  type Builder,
  EAX,
  EDX,
  type Fx,
  le,
  pickSize,
  prefixes,
  reg32Of,
  regName,
} from "./_builder.ts";
import { destOrMem } from "./_alu.ts";
import {
  maybeSeed,
  memOp,
  type Operand,
  pickReg,
  regOp,
  setMem,
  setReg,
  value,
} from "./_operands.ts";

/** MUL and IMUL: CF and OF defined, the rest undefined. */
const MUL_FX: Fx = { def: CF | OF, undef: SF | ZF | AF | PF };

/** MUL, IMUL r/m (F6/F7 /4 /5), IMUL r, r/m (0F AF), IMUL r, r/m, imm (69, 6B). */
export function genMul(b: Builder): void {
  const r = b.r;
  const form = r.below(4);
  if (form < 2) {
    const size = pickSize(r);
    maybeSeed(b, EAX, size);
    const rm = destOrMem(b, size, false, 1 << EAX);
    const name = form === 0 ? "mul" : "imul";
    b.emit(
      [...prefixes(r, { size, mem: rm.mem }), size === 1 ? 0xf6 : 0xf7, ...rm.modrm(4 + form)],
      `${name} ${rm.text}`,
      MUL_FX,
    );
    return;
  }
  const size = pickSize(r, false);
  const reg = pickReg(b, size, true);
  maybeSeed(b, reg, size);
  const rm = destOrMem(b, size, false, 1 << reg32Of(reg, size));
  const p = prefixes(r, { size, mem: rm.mem });
  if (form === 2) {
    b.emit([...p, 0x0f, 0xaf, ...rm.modrm(reg)], `imul ${regName(reg, size)}, ${rm.text}`, MUL_FX);
  } else {
    const short = r.chance(0.5);
    const v = value(r, short ? 1 : size);
    b.emit(
      [...p, short ? 0x6b : 0x69, ...rm.modrm(reg), ...le(v, short ? 1 : size)],
      `imul ${regName(reg, size)}, ${rm.text}, ${hex(v)}${short ? " (sign-extended imm8)" : ""}`,
      MUL_FX,
    );
  }
}

/** Signed value of `v` as an operand of `bits`. */
function signed(v: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, v);
}

/** True if dividing the double-width `dividend` by `d` (operand of `bits`) faults. */
function divFaults(dividend: bigint, d: bigint, bits: number, isSigned: boolean): boolean {
  if (d === 0n) return true;
  if (!isSigned) return dividend / d >= 1n << BigInt(bits);
  const q = signed(dividend, 2 * bits) / signed(d, bits);
  return q < -(1n << BigInt(bits - 1)) || q >= 1n << BigInt(bits - 1);
}

/** The divisor operand: a register other than EAX/EDX, or memory. */
function divisor(b: Builder, size: number): Operand {
  const rm = b.r.chance(0.5)
    ? memOp(b, { size, reserve: (1 << EAX) | (1 << EDX) })
    : regOp(pickReg(b, size, true, (1 << EAX) | (1 << EDX)), size);
  return rm;
}

/** Loads dividend and divisor for a division of operand `size`; `fault` chooses the outcome. */
function loadDivision(b: Builder, size: number, isSigned: boolean, fault: boolean, rm: Operand) {
  const r = b.r;
  const bits = size * 8;
  const mask = (1n << BigInt(bits)) - 1n;
  let d = 0n, lo = 0n, hi = 0n, found = false;
  for (let tries = 0; tries < 50 && !found; tries++) {
    d = BigInt(value(r, size));
    if (fault && r.chance(0.4)) d = 0n;
    lo = BigInt(value(r, size));
    const x = r.below(4);
    if (x === 0) hi = BigInt(value(r, size));
    else if (x === 1) hi = isSigned && signed(lo, bits) < 0n ? mask : 0n;
    else if (d !== 0n && !isSigned) hi = BigInt(r.u32()) % d;
    else hi = BigInt(r.below(4)) & mask;
    if (isSigned && fault && r.chance(0.3)) [lo, hi, d] = [0n, 1n << BigInt(bits - 1), mask];
    const dividend = (hi << BigInt(bits)) | lo;
    const hostTrap = isSigned && size > 1 && d === mask && dividend === 1n << BigInt(2 * bits - 1);
    if (b.qemuSafe && hostTrap) continue;
    found = divFaults(dividend, d, bits, isSigned) === fault;
  }
  if (!found) [d, lo, hi] = fault ? [0n, 0n, 0n] : [1n, 0n, 0n];
  if (size === 1) setReg(b, EAX, 2, Number((hi << 8n) | lo));
  else {
    setReg(b, EAX, size, Number(lo));
    setReg(b, EDX, size, Number(hi));
  }
  if (rm.mem) setMem(b, rm.addr, size, Number(d));
  else setReg(b, rm.code, size, Number(d));
}

/** Emits DIV or IDIV on `rm`. */
function emitDiv(b: Builder, size: number, isSigned: boolean, rm: Operand): void {
  b.emit(
    [
      ...prefixes(b.r, { size, mem: rm.mem }),
      size === 1 ? 0xf6 : 0xf7,
      ...rm.modrm(isSigned ? 7 : 6),
    ],
    `${isSigned ? "idiv" : "div"} ${rm.text}`,
    { undef: ARITH },
  );
}

/** DIV and IDIV (F6/F7 /6 /7) that do not fault, or on whatever the registers hold. */
export function genDiv(b: Builder): void {
  const r = b.r;
  const size = pickSize(r);
  const isSigned = r.chance(0.5);
  if (r.chance(0.15)) {
    // On whatever the registers hold (unsigned only for qemu: see Builder.qemuSafe).
    emitDiv(b, size, isSigned && !b.qemuSafe, destOrMem(b, size, false, 0));
    return;
  }
  const rm = divisor(b, size);
  loadDivision(b, size, isSigned, false, rm);
  emitDiv(b, size, isSigned, rm);
}

/** DIV or IDIV that faults (divide by zero or quotient overflow): ends the case. */
export function genDivFault(b: Builder): void {
  const r = b.r;
  const size = pickSize(r);
  const isSigned = r.chance(0.5);
  const rm = divisor(b, size);
  loadDivision(b, size, isSigned, true, rm);
  emitDiv(b, size, isSigned, rm);
}
