/**
 * Generator groups for flag instructions (CLC STC CMC CLD STD, LAHF SAHF), NOPs (90 and the
 * multi-byte 0F 1F /0 with any addressing form), and a terminal case: LOCK on an instruction that
 * cannot take it, which must raise invalid-opcode.
 *
 * @module
 */

import { AF, CF, DF, PF, SF, ZF } from "./layout.ts";
import { type Builder, EAX, pickSize, prefixes, regName } from "./_builder.ts";
import { memOp, pickReg, regOp, setReg } from "./_operands.ts";

const LAHF_FLAGS = SF | ZF | AF | PF | CF;

/** CLC STC CMC CLD STD LAHF SAHF. */
export function genFlagOps(b: Builder): void {
  const r = b.r;
  switch (r.below(7)) {
    case 0:
      b.emit([0xf8], "clc", { def: CF });
      break;
    case 1:
      b.emit([0xf9], "stc", { def: CF });
      break;
    case 2:
      b.need(CF);
      b.emit([0xf5], "cmc", { def: CF, read: CF });
      break;
    case 3:
      b.emit([0xfc], "cld", { def: DF });
      break;
    case 4:
      b.emit([0xfd], "std", { def: DF });
      break;
    case 5:
      b.need(LAHF_FLAGS);
      b.emit([0x9f], "lahf", { read: LAHF_FLAGS });
      break;
    default:
      if (r.chance(0.6)) setReg(b, 4, 1, r.below(256));
      b.emit([0x9e], "sahf", { def: LAHF_FLAGS });
  }
}

/** NOP, 66 NOP, and 0F 1F /0 with register or (never accessed) memory operands. */
export function genNop(b: Builder): void {
  const r = b.r;
  if (r.chance(0.3)) {
    b.emit([...(r.chance(0.3) ? [0x66] : []), 0x90], "nop");
    return;
  }
  const size = pickSize(r, false);
  const rm = r.chance(0.8) ? memOp(b, { size, noAccess: true }) : regOp(r.below(8), size);
  b.emit([...prefixes(r, { size }), 0x0f, 0x1f, ...rm.modrm(0)], `nop ${rm.text}`);
}

/** LOCK ADD/OR/... on a register destination, or LOCK MOV: invalid-opcode. Ends the case. */
export function genLockInvalid(b: Builder): void {
  const r = b.r;
  const a = pickReg(b, 4, true), c = r.below(8);
  if (r.chance(0.5)) {
    const op = r.pick([0, 1, 2, 3, 4, 5, 6]);
    b.emit(
      [0xf0, op * 8 + 1, 0xc0 | (c << 3) | a],
      `lock (invalid) alu${op} ${regName(a, 4)}, ${regName(c, 4)}`,
    );
  } else {
    const m = memOp(b, { size: 4, reserve: 1 << EAX });
    b.emit([0xf0, 0x89, ...m.modrm(EAX)], `lock (invalid) mov ${m.text}, eax`);
  }
}
