// Arithmetic, logic, shifts and bit instructions. Where x86 has several
// encodings, each encoder picks the one nasm picks: the sign-extended imm8
// form (83, 6B) when the value fits, else the accumulator short form (04, 05,
// A8, A9), else the ModRM form; register-register forms put the destination
// in r/m (01 D8 for `add eax, ebx`).
import {
  arity,
  bad,
  commonSize,
  type Enc,
  type Encoder,
  imm,
  immSize,
  isAcc,
  need,
  reg,
  rm,
  wide,
} from "./_enc.ts";
import { fail } from "./_diag.ts";
import type { MemOp, Op, RegOp } from "./_operand.ts";

/** ADD OR ADC SBB AND SUB XOR CMP (k = 0..7). */
export function alu(k: number): Encoder {
  return (e, ops) => {
    const [a, b] = arity(ops, 2);
    const d = rm(a);
    if (b!.k === "imm") {
      const s = b!, size = immSize(d, s, true);
      e.size(size);
      if (size === 1) {
        if (d.k === "reg" && isAcc(d)) e.op(k * 8 + 4);
        else e.op(0x80), e.modrm(k, d);
        e.imm(s, 1);
      } else if (e.sbyte(s, size)) {
        e.op(0x83), e.modrm(k, d), e.simm8(s, size);
      } else {
        if (d.k === "reg" && isAcc(d)) e.op(k * 8 + 5);
        else e.op(0x81), e.modrm(k, d);
        e.imm(s, size);
      }
      return;
    }
    twoOp(e, k * 8, d, rm(b));
  };
}

// `op r/m, reg` (base) or `op reg, mem` (base + 2), byte forms at base, others at base + 1.
function twoOp(e: Enc, base: number, d: RegOp | MemOp, s: RegOp | MemOp): void {
  const size = need(commonSize(d, s));
  e.size(size);
  const w = size === 1 ? 0 : 1;
  if (s.k === "reg") e.op(base + w), e.modrm(s.num, d);
  else if (d.k === "reg") e.op(base + 2 + w), e.modrm(d.num, s);
  else bad();
}

/** TEST: no sign-extended form; A8/A9 for the accumulator. */
export const test: Encoder = (e, ops) => {
  const [a, b] = arity(ops, 2);
  const d = rm(a);
  if (b!.k === "imm") {
    const size = immSize(d, b!, false);
    e.size(size);
    if (d.k === "reg" && isAcc(d)) e.op(size === 1 ? 0xa8 : 0xa9);
    else e.op(size === 1 ? 0xf6 : 0xf7), e.modrm(0, d);
    e.imm(b!, size);
    return;
  }
  const s = rm(b);
  const size = need(commonSize(d, s));
  e.size(size);
  e.op(size === 1 ? 0x84 : 0x85);
  if (s.k === "reg") e.modrm(s.num, d);
  else if (d.k === "reg") e.modrm(d.num, s);
  else bad();
};

/** INC (k = 0) and DEC (k = 1): 40+r / 48+r for 16/32-bit registers. */
export function incDec(k: number): Encoder {
  return (e, ops) => {
    const d = rm(arity(ops, 1)[0]);
    const size = need(d.size);
    e.size(size);
    if (d.k === "reg" && size !== 1) e.op(0x40 + k * 8 + d.num);
    else e.op(size === 1 ? 0xfe : 0xff), e.modrm(k, d);
  };
}

/** The F6/F7 group with one operand: NOT 2, NEG 3, MUL 4, IMUL 5, DIV 6, IDIV 7. */
export function unary(k: number): Encoder {
  return (e, ops) => {
    const d = rm(arity(ops, 1)[0]);
    const size = need(d.size);
    e.size(size);
    e.op(size === 1 ? 0xf6 : 0xf7);
    e.modrm(k, d);
  };
}

/** IMUL with one, two or three operands (`imul r, imm` is `imul r, r, imm`). */
export const imul: Encoder = (e, ops) => {
  if (ops.length === 1) return unary(5)(e, ops);
  const d = reg(ops[0]);
  let s: RegOp | MemOp, i: Op | undefined;
  if (ops.length === 2 && ops[1]!.k === "imm") [s, i] = [d, ops[1]];
  else if (ops.length === 2) s = rm(ops[1]);
  else [s, i] = [rm(arity(ops, 3)[1]), imm(ops[2])];
  const size = wide(commonSize(d, s));
  e.size(size);
  if (i === undefined) return e.op(0x0f, 0xaf), e.modrm(d.num, s);
  const c = imm(i);
  immSize(d, c, true);
  if (e.sbyte(c, size)) e.op(0x6b), e.modrm(d.num, s), e.simm8(c, size);
  else e.op(0x69), e.modrm(d.num, s), e.imm(c, size);
};

/** ROL ROR RCL RCR SHL/SAL SHR SAR (k = 0..7): by 1 (D0/D1), CL (D2/D3) or imm8 (C0/C1). */
export function shift(k: number): Encoder {
  return (e, ops) => {
    const [a, c] = arity(ops, 2);
    const d = rm(a);
    const size = need(d.size);
    e.size(size);
    const w = size === 1 ? 0 : 1;
    if (c!.k === "reg") {
      if (c!.num !== 1 || c!.size !== 1) bad();
      return e.op(0xd2 + w), e.modrm(k, d);
    }
    const n = imm(c);
    if (n.size !== 0 && n.size !== 1) fail("mismatch in operand sizes");
    if (n.size === 0 && !n.v.unknown && n.v.rel === 0 && n.v.n === 1n) {
      return e.op(0xd0 + w), e.modrm(k, d);
    }
    e.op(0xc0 + w), e.modrm(k, d), e.int(n.v, 1);
  };
}

/** SHLD (0F A4/A5) and SHRD (0F AC/AD): `r/m, reg, imm8|cl`. */
export function shiftDouble(op: number): Encoder {
  return (e, ops) => {
    const [a, b, c] = arity(ops, 3);
    const d = rm(a), s = reg(b);
    e.size(wide(commonSize(d, s)));
    if (c!.k === "reg") {
      if (c!.num !== 1 || c!.size !== 1) bad();
      return e.op(0x0f, op + 1), e.modrm(s.num, d);
    }
    const n = imm(c);
    if (n.size !== 0 && n.size !== 1) fail("mismatch in operand sizes");
    e.op(0x0f, op), e.modrm(s.num, d), e.int(n.v, 1);
  };
}

/** BT BTS BTR BTC (k = 4..7): `r/m, reg` (0F A3+8(k-4)) or `r/m, imm8` (0F BA /k). */
export function bitTest(k: number): Encoder {
  return (e, ops) => {
    const [a, b] = arity(ops, 2);
    const d = rm(a);
    if (b!.k === "imm") {
      e.size(wide(need(d.size)));
      if (b!.size !== 0 && b!.size !== 1) fail("mismatch in operand sizes");
      return e.op(0x0f, 0xba), e.modrm(k, d), e.int(b!.v, 1);
    }
    const s = reg(b);
    e.size(wide(commonSize(d, s)));
    e.op(0x0f, 0xa3 + (k - 4) * 8), e.modrm(s.num, d);
  };
}

/** `reg, r/m` instructions of 16/32 bits after 0F: BSF BC, BSR BD, CMOVcc 40+cc, IMUL AF. */
export function regRm(op: number): Encoder {
  return (e, ops) => {
    const [a, b] = arity(ops, 2);
    const d = reg(a), s = rm(b);
    e.size(wide(commonSize(d, s)));
    e.op(0x0f, op), e.modrm(d.num, s);
  };
}

/** `r/m, reg` instructions after 0F with byte form `op` and wide form `op + 1`: XADD, CMPXCHG. */
export function rmReg(op: number): Encoder {
  return (e, ops) => {
    const [a, b] = arity(ops, 2);
    const d = rm(a), s = reg(b);
    const size = need(commonSize(d, s));
    e.size(size);
    e.op(0x0f, size === 1 ? op : op + 1), e.modrm(s.num, d);
  };
}
