// Data movement: MOV (with the A0-A3 moffs forms for the accumulator), MOVZX,
// MOVSX, LEA, XCHG (90+r with the accumulator), PUSH/POP, SETcc, CMPXCHG8B.
import {
  arity,
  bad,
  commonSize,
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
import type { MemOp, Op } from "./_operand.ts";

// A memory operand with neither base nor index: `[disp32]`.
const moffs = (o: Op): o is MemOp => o.k === "mem" && o.base < 0 && o.index < 0;

/** MOV in all its forms but segment registers. */
export const mov: Encoder = (e, ops) => {
  const [a, b] = arity(ops, 2);
  const d = rm(a);
  if (b!.k === "imm") {
    const size = immSize(d, b!, false);
    e.size(size);
    if (d.k === "reg") e.op((size === 1 ? 0xb0 : 0xb8) + d.num);
    else e.op(size === 1 ? 0xc6 : 0xc7), e.modrm(0, d);
    return e.imm(b!, size);
  }
  const s = rm(b);
  const size = need(commonSize(d, s));
  e.size(size);
  const w = size === 1 ? 0 : 1;
  if (isAcc(d) && moffs(s)) {
    e.seg = s.seg;
    return e.op(0xa0 + w), e.int(s.disp, 4, false, "address");
  }
  if (isAcc(s) && moffs(d)) {
    e.seg = d.seg;
    return e.op(0xa2 + w), e.int(d.disp, 4, false, "address");
  }
  if (s.k === "reg") e.op(0x88 + w), e.modrm(s.num, d);
  else if (d.k === "reg") e.op(0x8a + w), e.modrm(d.num, s);
  else bad();
};

/** MOVZX (0F B6) and MOVSX (0F BE): 16/32-bit register from a smaller r/m. */
export function movx(op: number): Encoder {
  return (e, ops) => {
    const [a, b] = arity(ops, 2);
    const d = reg(a), s = rm(b);
    const from = need(s.size);
    if (from >= d.size || d.size === 1) fail("mismatch in operand sizes");
    e.size(d.size);
    e.op(0x0f, from === 2 ? op + 1 : op), e.modrm(d.num, s);
  };
}

/** LEA: 16/32-bit register, memory (its size keyword is ignored). */
export const lea: Encoder = (e, ops) => {
  const [a, b] = arity(ops, 2);
  const d = reg(a);
  if (b!.k !== "mem") bad();
  e.size(wide(d.size));
  e.op(0x8d), e.modrm(d.num, b!);
};

/** XCHG: 90+r when one side is AX/EAX, else 86/87 with the first register in the reg field. */
export const xchg: Encoder = (e, ops) => {
  const [a, b] = arity(ops, 2);
  const x = rm(a), y = rm(b);
  const size = need(commonSize(x, y));
  e.size(size);
  if (x.k === "reg" && y.k === "reg" && size !== 1 && (isAcc(x) || isAcc(y))) {
    return e.op(0x90 + (isAcc(x) ? y.num : x.num));
  }
  const w = size === 1 ? 0x86 : 0x87;
  if (x.k === "reg") e.op(w), e.modrm(x.num, y);
  else if (y.k === "reg") e.op(w), e.modrm(y.num, x);
  else bad();
};

/** PUSH: register (50+r), memory (FF /6), immediate (6A ib when it fits, else 68). */
export const push: Encoder = (e, ops) => {
  const o = arity(ops, 1)[0]!;
  if (o.k === "imm") {
    if (o.size === 8) bad();
    const size = o.size === 2 ? 2 : 4;
    e.size(size);
    if (e.sbyte(o, size)) e.op(0x6a), e.simm8(o, size);
    else e.op(0x68), e.imm(o, size);
    return;
  }
  const size = wide(need(o.size));
  e.size(size);
  if (o.k === "reg") e.op(0x50 + o.num);
  else e.op(0xff), e.modrm(6, o);
};

/** POP: register (58+r) or memory (8F /0). */
export const pop: Encoder = (e, ops) => {
  const o = rm(arity(ops, 1)[0]);
  e.size(wide(need(o.size)));
  if (o.k === "reg") e.op(0x58 + o.num);
  else e.op(0x8f), e.modrm(0, o);
};

/** SETcc: 0F 90+cc on a byte register or memory. */
export function setcc(cc: number): Encoder {
  return (e, ops) => {
    const d = rm(arity(ops, 1)[0]);
    if (d.size !== 0 && d.size !== 1) fail("mismatch in operand sizes");
    e.op(0x0f, 0x90 + cc), e.modrm(0, d);
  };
}

/** CMPXCHG8B: memory only (qword or no size keyword). */
export const cmpxchg8b: Encoder = (e, ops) => {
  const m = arity(ops, 1)[0]!;
  if (m.k !== "mem") bad();
  if (m.size !== 0 && m.size !== 8) fail("mismatch in operand sizes");
  e.op(0x0f, 0xc7), e.modrm(1, m);
};

/** ENTER imm16, imm8 (C8 iw ib). */
export const enter: Encoder = (e, ops) => {
  const [a, b] = arity(ops, 2);
  e.op(0xc8), e.int(imm(a).v, 2), e.int(imm(b).v, 1);
};
