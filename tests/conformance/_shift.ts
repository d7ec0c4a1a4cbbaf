/**
 * Generator groups for shifts and rotates: ROL ROR RCL RCR SHL SHR SAR by 1 (D0/D1), by CL
 * (D2/D3) and by imm8 (C0/C1), and SHLD SHRD by imm8 and CL. The generator knows each count
 * (CL is loaded just before, except now and then) so it knows which flags Intel leaves undefined:
 * none change for a masked count of 0; OF only for a count of 1; AF after any shift; CF after
 * SHL/SHR of a byte or word by at least its width. With an unknown count it treats every flag the
 * instruction may touch as undefined.
 *
 * @module
 */

import { AF, ARITH, CF, hex, OF, PF, SF, ZF } from "./layout.ts";
import { type Builder, ECX, type Fx, pickSize, prefixes, reg32Of, regName } from "./_builder.ts";
import { destOrMem } from "./_alu.ts";
import { COUNTS, maybeSeed, pickReg, setReg } from "./_operands.ts";

const NAMES = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"] as const;

/** Flag effects of shift/rotate `op` on an operand of `size` bytes by `count` (null: unknown). */
export function shiftFx(op: number, size: number, count: number | null): Fx {
  const rot = op < 4;
  const readsCf = op === 2 || op === 3;
  if (count === null) return { read: readsCf ? CF : 0, undef: rot ? CF | OF : ARITH };
  const c = count & 31;
  if (c === 0) return {};
  const of = c === 1 ? OF : 0;
  if (rot) return { read: readsCf ? CF : 0, def: CF | of, undef: OF & ~of };
  const cf = op === 7 || c < size * 8 ? CF : 0;
  return { def: SF | ZF | PF | cf | of, undef: AF | (CF & ~cf) | (OF & ~of) };
}

/** A shift count: an interesting one, or any byte. */
function count(b: Builder): number {
  return b.r.chance(0.75) ? b.r.pick(COUNTS) : b.r.below(256);
}

/** ROL ROR RCL RCR SHL SHR SAR by 1, CL or imm8. */
export function genShift(b: Builder): void {
  const r = b.r;
  const op = r.pick([0, 1, 2, 3, 4, 5, 7]);
  const size = pickSize(r);
  const w = size === 1 ? 0 : 1;
  const form = r.below(3); // 0: by 1, 1: by CL, 2: by imm8
  const rm = destOrMem(b, size, true, form === 1 ? 1 << ECX : 0);
  let n: number | null = 1;
  let tail: number[] = [];
  let src = "1";
  if (form === 1) {
    src = "cl";
    if (r.chance(0.85)) {
      n = count(b);
      setReg(b, ECX, 1, n);
    } else n = null;
  } else if (form === 2) {
    n = count(b);
    tail = [n];
    src = hex(n);
  }
  const fx = shiftFx(op, size, n);
  b.need(fx.read ?? 0);
  const opc = form === 0 ? 0xd0 : form === 1 ? 0xd2 : 0xc0;
  b.emit(
    [...prefixes(r, { size, mem: rm.mem }), opc + w, ...rm.modrm(op), ...tail],
    `${NAMES[op]} ${rm.text}, ${src}`,
    fx,
  );
}

/** Flag effects of SHLD/SHRD by `count` (null: unknown). */
function doubleFx(count: number | null): Fx {
  if (count === null) return { undef: ARITH };
  const c = count & 31;
  if (c === 0) return {};
  const of = c === 1 ? OF : 0;
  return { def: SF | ZF | PF | CF | of, undef: AF | (OF & ~of) };
}

/** SHLD SHRD (0F A4/A5/AC/AD); 16-bit counts stay at most 16 (larger ones are undefined). */
export function genDoubleShift(b: Builder): void {
  const r = b.r;
  const size = pickSize(r, false);
  const right = r.chance(0.5);
  const byCl = r.chance(0.5);
  const src = pickReg(b, size, false);
  maybeSeed(b, src, size);
  const rm = destOrMem(b, size, true, (1 << reg32Of(src, size)) | (byCl ? 1 << ECX : 0));
  let n: number | null = count(b);
  while (size === 2 && (n & 31) > 16) n = count(b);
  if (byCl) {
    if (size === 4 && r.chance(0.15)) n = null;
    else setReg(b, ECX, 1, n);
  }
  const opc = (right ? 0xac : 0xa4) + (byCl ? 1 : 0);
  b.emit(
    [...prefixes(r, { size, mem: rm.mem }), 0x0f, opc, ...rm.modrm(src), ...(byCl ? [] : [n!])],
    `${right ? "shrd" : "shld"} ${rm.text}, ${regName(src, size)}, ${byCl ? "cl" : hex(n!)}`,
    doubleFx(n),
  );
}
