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
  const x = r.below(10);
  if (x < 2) {
    b.emit([...(r.chance(0.3) ? [0x66] : []), 0x90], "nop");
    return;
  }
  if (x < 3) {
    b.emit([0xf3, 0x90], "pause");
    return;
  }
  // 0F 1F /0 mostly; the other hint NOPs (0F 18 prefetch, 0F 19, 0F 1C-1E) now and then.
  const [opc, reg] = x < 8 ? [0x1f, 0] : r.pick(
    [[0x18, r.below(4)], [0x19, r.below(8)], [0x1c, r.below(8)], [0x1d, r.below(8)], [
      0x1e,
      r.below(8),
    ]] as const,
  );
  const size = pickSize(r, false);
  // PREFETCH (0F 18) only with a memory operand: its register form is #UD under qemu.
  const rm = r.chance(0.8) || opc === 0x18
    ? memOp(b, { size, noAccess: true })
    : regOp(r.below(8), size);
  const name = opc === 0x1f
    ? "nop"
    : opc === 0x18
    ? `prefetch/${reg}`
    : `hint-nop 0f ${opc.toString(16)} /${reg}`;
  b.emit([...prefixes(r, { size }), 0x0f, opc, ...rm.modrm(reg)], `${name} ${rm.text}`);
}

/**
 * An instruction that stops the case: INT3 (breakpoint, reported at the INT3), UD2
 * (invalid-opcode), INT n (general-protection: there is no interrupt table) or an instruction
 * longer than 15 bytes (general-protection).
 */
export function genTrap(b: Builder): void {
  const r = b.r;
  switch (r.below(4)) {
    case 0:
      b.emit([0xcc], "int3");
      break;
    case 1:
      b.emit([0x0f, 0x0b], "ud2");
      break;
    case 2: {
      let n = r.range(0x20, 0xff);
      if (n === 0x80) n = 0x81;
      b.emit([0xcd, n], `int 0x${n.toString(16)}`);
      break;
    }
    default: {
      const extra = r.range(15, 17);
      b.emit(
        [...new Array(extra).fill(0x66), 0x90],
        `${extra} x 66 + nop (${extra + 1} bytes, too long)`,
      );
    }
  }
}

/** LOCK ADD/OR/... on a register destination, or LOCK MOV: invalid-opcode. Ends the case. */
export function genLockInvalid(b: Builder): void {
  const r = b.r;
  const a = pickReg(b, 4, true), c = r.below(8);
  if (r.chance(0.5)) {
    const op = r.below(7);
    const name = ["add", "or", "adc", "sbb", "and", "sub", "xor"][op];
    b.emit(
      [0xf0, op * 8 + 1, 0xc0 | (c << 3) | a],
      `lock ${name} ${regName(a, 4)}, ${regName(c, 4)} (invalid: register destination)`,
    );
  } else {
    const m = memOp(b, { size: 4, reserve: 1 << EAX });
    b.emit(
      [0xf0, 0x89, ...m.modrm(EAX)],
      `lock mov ${m.text}, eax (invalid: MOV cannot be locked)`,
    );
  }
}
