// The encoding buffer of one instruction: opcode bytes, ModRM/SIB and
// displacement, immediates with range checks (on the last pass only, when
// every value is final), the prefixes the operands ask for, and the operand
// checks the encoders share.
import { fail } from "./_diag.ts";
import type { ImmOp, MemOp, Op, RegOp, Val } from "./_operand.ts";
import { EAX, EBP, ESP } from "./_registers.ts";

/** Encodes one instruction; throws a LineError when the operands do not fit it. */
export type Encoder = (e: Enc, ops: Op[]) => void;

const RANGE: Record<number, [bigint, bigint]> = {
  1: [-0x80n, 0xffn],
  2: [-0x8000n, 0xffffn],
  4: [-0x8000_0000n, 0xffff_ffffn],
};
const BITS: Record<number, number> = { 1: 8, 2: 16, 4: 32 };

/** The instruction being encoded. */
export class Enc {
  readonly bytes: number[] = [];
  /** Operand-size prefix (0x66) needed. */
  o16 = false;
  /** Segment override from a memory operand (0 = none). */
  seg = 0;
  /** Address of the first byte of the instruction (its prefixes included). */
  readonly addr: number;
  /** Bytes of prefixes written on the statement (lock, rep, segment). */
  readonly prefixLen: number;
  /** Last pass: check ranges, every value is final. */
  readonly final: boolean;
  /** In: a relaxable jump must take its long form. Out: it took it. */
  near: boolean;

  constructor(addr: number, prefixLen: number, final: boolean, near: boolean) {
    this.addr = addr;
    this.prefixLen = prefixLen;
    this.final = final;
    this.near = near;
  }

  op(...b: number[]): void {
    this.bytes.push(...b);
  }

  /** Notes the operand size: 0x66 for 16-bit. */
  size(s: number): void {
    if (s === 2) this.o16 = true;
  }

  /** ModRM (and SIB, displacement) with `reg` in the reg field and `rm` as the r/m operand. */
  modrm(reg: number, rm: RegOp | MemOp): void {
    if (rm.k === "reg") {
      this.bytes.push(0xc0 | (reg << 3) | rm.num);
      return;
    }
    if (rm.seg !== 0) this.seg = rm.seg;
    const d = rm.disp;
    const { base, index } = rm;
    // nasm: disp8/none only for a known plain number, compared as a 32-bit offset
    const plain = !d.unknown && d.rel === 0;
    const o = BigInt.asIntN(32, d.n);
    const mod = base < 0
      ? 0
      : plain && o === 0n && base !== EBP
      ? 0
      : plain && o >= -128n && o <= 127n
      ? 1
      : 2;
    if (index < 0 && base !== ESP) {
      this.bytes.push((mod << 6) | (reg << 3) | (base < 0 ? 5 : base));
    } else {
      this.bytes.push((mod << 6) | (reg << 3) | 4);
      this.bytes.push((rm.scale << 6) | ((index < 0 ? 4 : index) << 3) | (base < 0 ? 5 : base));
    }
    if (mod === 1) this.int({ ...d, n: o }, 1, true);
    else if (mod === 2 || base < 0) this.int(d, 4, false, "displacement");
  }

  /** A value of `width` bytes, range-checked on the last pass. */
  int(v: Val, width: 1 | 2 | 4, signed = false, what = "immediate"): void {
    if (this.final && !v.unknown) {
      if (v.rel !== 0 && v.rel !== 1) fail(`${what} is not a simple address`);
      const [lo, hi] = signed ? [RANGE[width]![0], -RANGE[width]![0] - 1n] : RANGE[width]!;
      if (v.n < lo || v.n > hi) {
        fail(`${what} ${v.n} out of range for ${signed ? "signed " : ""}${BITS[width]} bits`);
      }
    }
    let x = BigInt.asUintN(32, v.n);
    for (let k = 0; k < width; k++) {
      this.bytes.push(Number(x & 0xffn));
      x >>= 8n;
    }
  }

  /** An immediate operand of the operation size `width`. */
  imm(o: ImmOp, width: number): void {
    this.int(o.v, width as 1 | 2 | 4);
  }

  /** A sign-extended imm8 whose value is checked against the operation size `osize`. */
  simm8(o: ImmOp, osize: number): void {
    const v = o.v;
    if (this.final && !v.unknown) {
      if (v.rel !== 0) fail("immediate is not a simple number");
      const [lo, hi] = o.size === 1 ? [-0x80n, 0x7fn] : RANGE[osize]!;
      if (v.n < lo || v.n > hi) {
        fail(`immediate ${v.n} out of range for ${o.size === 1 ? "signed 8" : BITS[osize]} bits`);
      }
    }
    this.bytes.push(Number(BigInt.asUintN(8, v.n)));
  }

  /** The sign-extended imm8 form: an explicit `byte`, else the value fits (nasm's rule). */
  sbyte(o: ImmOp, osize: number): boolean {
    if (o.size === 1) return true;
    if (o.strict || o.v.unknown || o.v.rel !== 0) return false;
    const n = BigInt.asUintN(osize === 2 ? 16 : 32, o.v.n + 128n);
    return n <= 255n;
  }

  /**
   * A relative branch: the short form (rel8) when allowed and in range, else
   * `long` bytes then rel32. Returns true when the short form was taken.
   */
  branch(target: ImmOp, short: number[], long: number[] | null): boolean {
    const start = this.addr + this.prefixLen + this.bytes.length;
    const t = target.v;
    if (target.size !== 0 && target.size !== 4) fail("invalid operand size for a jump target");
    const fits = () => {
      const off = t.n - BigInt(start + short.length + 1);
      return off >= -128n && off <= 127n;
    };
    // nasm: explicit distance first; a plain-number target (not a label) is never short;
    // otherwise short when the target is unknown yet (optimistic) or in range.
    const useShort = long === null || target.dist === "short" ||
      (target.dist !== "near" && !this.near && (t.unknown || (t.rel !== 0 && fits())));
    if (useShort) {
      this.bytes.push(...short);
      const off = t.n - BigInt(start + short.length + 1);
      if (this.final && (t.unknown || off < -128n || off > 127n)) {
        fail(`short jump out of range (offset ${off})`);
      }
      this.bytes.push(Number(BigInt.asUintN(8, off)));
      return true;
    }
    this.near = true;
    this.bytes.push(...long!);
    const off = t.n - BigInt(start + long!.length + 4);
    this.int({ n: BigInt.asIntN(32, off), rel: 0, unknown: t.unknown }, 4);
    return false;
  }
}

/** True for the accumulator register (AL, AX or EAX). */
export function isAcc(o: Op): boolean {
  return o.k === "reg" && o.num === EAX;
}

/** Checks `n` operands and returns them; "invalid combination" otherwise. */
export function arity(ops: Op[], n: number): Op[] {
  if (ops.length !== n) bad();
  return ops;
}

/** nasm's message for operands that match no form of the instruction. */
export function bad(): never {
  return fail("invalid combination of opcode and operands");
}

/** The common size of the sized operands (registers, sized memory); fails on a mismatch. */
export function commonSize(...ops: Op[]): number {
  let s = 0;
  for (const o of ops) {
    if (o.k === "imm" || o.size === 0) continue;
    if (s !== 0 && s !== o.size) fail("mismatch in operand sizes");
    s = o.size;
  }
  return s;
}

/** The operation size `s` (1, 2 or 4); fails when not specified (0) or a qword. */
export function need(s: number): number {
  if (s === 0) fail("operation size not specified");
  if (s === 8) bad();
  return s;
}

/** A register or memory operand, else "invalid combination". */
export function rm(o: Op | undefined): RegOp | MemOp {
  if (o === undefined || o.k === "imm") return bad();
  return o;
}

/** A register operand, else "invalid combination". */
export function reg(o: Op | undefined): RegOp {
  if (o === undefined || o.k !== "reg") return bad();
  return o;
}

/** An immediate operand, else "invalid combination". */
export function imm(o: Op | undefined): ImmOp {
  if (o === undefined || o.k !== "imm") return bad();
  return o;
}

/** Operation size of `dest, imm`: the destination's, else the immediate's keyword. */
export function immSize(d: RegOp | MemOp, s: ImmOp, sbyte: boolean): number {
  if (d.size === 0) return need(s.size);
  need(d.size);
  if (s.size !== 0 && s.size !== d.size && !(sbyte && s.size === 1)) {
    fail("mismatch in operand sizes");
  }
  return d.size;
}

/** A 16- or 32-bit size, else "invalid combination". */
export function wide(size: number): number {
  if (size !== 2 && size !== 4) bad();
  return size;
}
