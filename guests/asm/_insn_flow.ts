// Control transfers: Jcc, JMP, CALL, RET, LOOP/JECXZ, INT, and port I/O.
// Relative jumps relax like nasm's: short when the target is a label in
// range (or not known yet), near otherwise; `short`/`near` force a form.
import { arity, bad, type Enc, type Encoder, imm, isAcc } from "./_enc.ts";
import { fail } from "./_diag.ts";
import type { MemOp, Op, RegOp } from "./_operand.ts";

/** Jcc: 70+cc rel8 or 0F 80+cc rel32. */
export function jcc(cc: number): Encoder {
  return (e, ops) => void e.branch(imm(arity(ops, 1)[0]), [0x70 + cc], [0x0f, 0x80 + cc]);
}

/** LOOP E2, LOOPE E1, LOOPNE E0, JECXZ E3: rel8 only. */
export function loop(op: number): Encoder {
  return (e, ops) => {
    const t = imm(arity(ops, 1)[0]);
    if (t.dist === "near") fail("this instruction has only a short form");
    e.branch(t, [op], null);
  };
}

/** JMP: EB rel8, E9 rel32, or FF /4 on a 32-bit register or memory. */
export const jmp: Encoder = (e, ops) => {
  const o = arity(ops, 1)[0]!;
  if (o.k === "imm") return void e.branch(o, [0xeb], [0xe9]);
  indirect(e, o, 4);
};

/** CALL: E8 rel32, or FF /2 on a 32-bit register or memory. */
export const call: Encoder = (e, ops) => {
  const o = arity(ops, 1)[0]!;
  if (o.k !== "imm") return indirect(e, o, 2);
  if (o.dist === "short") bad();
  e.branch({ ...o, dist: "near" }, [], [0xe8]);
};

function indirect(e: Enc, o: RegOp | MemOp, k: number): void {
  if (o.size !== 0 && o.size !== 4) bad();
  e.op(0xff), e.modrm(k, o);
}

/** RET (C3) and RET imm16 (C2). */
export const ret: Encoder = (e, ops) => {
  if (ops.length === 0) return e.op(0xc3);
  e.op(0xc2), e.int(imm(arity(ops, 1)[0]).v, 2);
};

/** INT imm8 (CD ib); `int3` is the one-byte CC. */
export const int: Encoder = (e, ops) => {
  e.op(0xcd), e.int(imm(arity(ops, 1)[0]).v, 1);
};

/** IN: `acc, imm8` (E4/E5) or `acc, dx` (EC/ED). */
export const portIn: Encoder = (e, ops) => {
  const [a, p] = arity(ops, 2);
  port(e, a!, p!, 0xe4);
};

/** OUT: `imm8, acc` (E6/E7) or `dx, acc` (EE/EF). */
export const portOut: Encoder = (e, ops) => {
  const [p, a] = arity(ops, 2);
  port(e, a!, p!, 0xe6);
};

function port(e: Enc, a: Op, p: Op, op: number): void {
  if (!isAcc(a)) bad();
  e.size(a.size);
  const w = a.size === 1 ? 0 : 1;
  if (p.k === "imm") {
    if (p.size !== 0 && p.size !== 1) bad();
    return e.op(op + w), e.int(p.v, 1);
  }
  if (p.k !== "reg" || p.num !== 2 || p.size !== 2) bad();
  e.op(op + 8 + w);
}
