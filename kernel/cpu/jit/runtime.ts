/**
 * Helpers that translated code calls: lazy-flag evaluation over a record held
 * in JavaScript locals (the same record {@linkcode CpuState} keeps in fields),
 * 64-bit multiply and divide pieces, and the parity table. They are plain
 * functions of their arguments so that one translation serves every VM.
 *
 * @module
 */

import { mulHiS, mulHiU } from "../ops_alu.ts";
import { LOP_ADD, LOP_DEC, LOP_INC, LOP_LOGIC, LOP_NONE, LOP_SUB } from "../state.ts";

/** Even parity of each byte value (1 = even number of set bits), as the PF flag. */
export const PARITY: Uint8Array = new Uint8Array(256);
for (let v = 0; v < 256; v++) {
  let p = 1;
  for (let b = v; b; b >>= 1) p ^= b & 1;
  PARITY[v] = p;
}

/**
 * Carry flag of a lazy record (`op` LOP_*, operands, result, width, and `fl`
 * for the bits the record does not cover).
 *
 * @example
 * ```ts
 * import { lazyCF } from "./runtime.ts";
 * console.log(lazyCF(2, 1, 2, -1, 32, 2)); // 1: 1 - 2 borrows
 * ```
 */
export function lazyCF(op: number, d: number, s: number, r: number, b: number, fl: number): number {
  switch (op) {
    case LOP_ADD:
      return (((d & s) | ((d | s) & ~r)) >>> (b - 1)) & 1;
    case LOP_SUB:
      return (((~d & s) | ((~d | s) & r)) >>> (b - 1)) & 1;
    case LOP_LOGIC:
      return 0;
    default:
      return fl & 1;
  }
}

function lazyOF(op: number, d: number, s: number, r: number, b: number, fl: number): number {
  switch (op) {
    case LOP_ADD:
    case LOP_INC:
      return (((d ^ r) & (s ^ r)) >>> (b - 1)) & 1;
    case LOP_SUB:
    case LOP_DEC:
      return (((d ^ s) & (d ^ r)) >>> (b - 1)) & 1;
    case LOP_LOGIC:
      return 0;
    default:
      return (fl >>> 11) & 1;
  }
}

function lazyZF(op: number, r: number, b: number, fl: number): number {
  if (op === LOP_NONE) return (fl >>> 6) & 1;
  return (b === 32 ? r | 0 : r & ((1 << b) - 1)) === 0 ? 1 : 0;
}

function lazySF(op: number, r: number, b: number, fl: number): number {
  if (op === LOP_NONE) return (fl >>> 7) & 1;
  return (r >>> (b - 1)) & 1;
}

/**
 * Evaluates condition code `cc` (the low nibble of Jcc/SETcc/CMOVcc) over a
 * lazy record.
 *
 * @example
 * ```ts
 * import { lazyCond } from "./runtime.ts";
 * // cmp 1, 2 (SUB record): JL (cc 12) is taken
 * console.log(lazyCond(12, 2, 1, 2, -1, 32, 2)); // true
 * ```
 */
export function lazyCond(
  cc: number,
  op: number,
  d: number,
  s: number,
  r: number,
  b: number,
  fl: number,
): boolean {
  let v: number;
  switch (cc >>> 1) {
    case 0:
      v = lazyOF(op, d, s, r, b, fl);
      break;
    case 1:
      v = lazyCF(op, d, s, r, b, fl);
      break;
    case 2:
      v = lazyZF(op, r, b, fl);
      break;
    case 3:
      v = lazyCF(op, d, s, r, b, fl) | lazyZF(op, r, b, fl);
      break;
    case 4:
      v = lazySF(op, r, b, fl);
      break;
    case 5:
      v = op === LOP_NONE ? (fl >>> 2) & 1 : PARITY[r & 0xff]!;
      break;
    case 6:
      v = lazySF(op, r, b, fl) ^ lazyOF(op, d, s, r, b, fl);
      break;
    default:
      v = lazyZF(op, r, b, fl) | (lazySF(op, r, b, fl) ^ lazyOF(op, d, s, r, b, fl));
  }
  return (v ^ (cc & 1)) !== 0;
}

/**
 * The six arithmetic flags of a lazy record as EFLAGS bits, merged into `fl`
 * (what `CpuState.materialize` stores).
 *
 * @example
 * ```ts
 * import { lazyFlags } from "./runtime.ts";
 * console.log(lazyFlags(3, 0, 0, 0, 32, 2).toString(16)); // "46": ZF PF, bit 1
 * ```
 */
export function lazyFlags(
  op: number,
  d: number,
  s: number,
  r: number,
  b: number,
  fl: number,
): number {
  if (op === LOP_NONE) return fl;
  let af: number;
  switch (op) {
    case LOP_ADD:
    case LOP_SUB:
    case LOP_INC:
    case LOP_DEC:
      af = ((d ^ s ^ r) >>> 4) & 1;
      break;
    case LOP_LOGIC:
      af = 0;
      break;
    default:
      af = (fl >>> 4) & 1;
  }
  const f = lazyCF(op, d, s, r, b, fl) | (PARITY[r & 0xff]! << 2) | (af << 4) |
    (lazyZF(op, r, b, fl) << 6) | (lazySF(op, r, b, fl) << 7) | (lazyOF(op, d, s, r, b, fl) << 11);
  return (fl & ~0x8d5) | f;
}

/**
 * Quotient of the unsigned 64-bit value hi:lo by d (uint32 each, hi < d),
 * exact, as a double.
 *
 * @example
 * ```ts
 * import { udivq } from "./runtime.ts";
 * console.log(udivq(1, 0, 2)); // 2147483648
 * ```
 */
export function udivq(hi: number, lo: number, d: number): number {
  const n1 = hi * 65536 + (lo >>> 16);
  const q1 = Math.floor(n1 / d);
  const n0 = (n1 - q1 * d) * 65536 + (lo & 0xffff);
  return q1 * 65536 + Math.floor(n0 / d);
}

/** Everything generated code receives, by name (see `translate.ts`). */
export const RUNTIME = { lazyCF, lazyCond, lazyFlags, udivq, mulHiU, mulHiS, PARITY } as const;
