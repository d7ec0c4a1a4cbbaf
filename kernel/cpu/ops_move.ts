/**
 * Data movement: MOV MOVZX MOVSX LEA XCHG, PUSH POP PUSHAD POPAD PUSHFD POPFD,
 * CMOVcc SETcc, XADD CMPXCHG CMPXCHG8B, ENTER LEAVE, LAHF SAHF and the flag
 * instructions CLC STC CMC CLD STD CLI STI.
 *
 * Stack instructions read everything they need and write memory before they
 * change ESP, so a fault leaves the registers as they were.
 *
 * @module
 */

import { ea, type Insn, maskOf, readRM, sext, writeRM } from "./insn.ts";
import { type CpuState, FLAGS } from "./state.ts";

/** MOV r/m, reg (88, 89, A2, A3). */
export const movRmR = (c: CpuState, i: Insn): void => writeRM(c, i, c.getR(i.size, i.reg));

/** MOV reg, r/m (8A, 8B, A0, A1). */
export const movRRm = (c: CpuState, i: Insn): void => c.setR(i.size, i.reg, readRM(c, i));

/** MOV r/m, imm (C6, C7, B0-BF). */
export const movRmI = (c: CpuState, i: Insn): void => writeRM(c, i, i.imm);

/** MOVZX (sub 0) / MOVSX (sub 1) reg, r/m8|r/m16; source size in `imm2`. */
export function movx(c: CpuState, i: Insn): void {
  const ss = i.imm2;
  const v = i.isMem ? c.rd(ss, ea(c, i)) : c.getR(ss, i.rm);
  c.setR(i.size, i.reg, i.sub === 0 ? v : sext(ss, v));
}

/** LEA reg, m (8D): the offset, without a segment base. */
export function lea(c: CpuState, i: Insn): void {
  let a = i.disp;
  if (i.base >= 0) a += c.regs[i.base]!;
  if (i.index >= 0) a += c.regs[i.index]! << i.scale;
  c.setR(i.size, i.reg, a | 0);
}

/** XCHG r/m, reg (86, 87, 91-97). */
export function xchg(c: CpuState, i: Insn): void {
  const r = c.getR(i.size, i.reg);
  if (i.isMem) {
    const a = ea(c, i);
    const m = c.rd(i.size, a);
    c.wr(i.size, a, r);
    c.setR(i.size, i.reg, m);
  } else {
    const m = c.getR(i.size, i.rm);
    c.setR(i.size, i.rm, r);
    c.setR(i.size, i.reg, m);
  }
}

function push(c: CpuState, size: number, v: number): void {
  if (size === 4) c.push32(v);
  else {
    const a = (c.regs[4]! - 2) | 0;
    c.mem.write16(a, v);
    c.regs[4] = a;
  }
}

/** PUSH r/m (50-57, FF /6). The value is read before ESP moves. */
export const pushRm = (c: CpuState, i: Insn): void => push(c, i.size, readRM(c, i));

/** PUSH imm (68, 6A). */
export const pushI = (c: CpuState, i: Insn): void => push(c, i.size, i.imm);

/** POP r/m (58-5F, 8F /0). A memory destination's address uses the incremented ESP. */
export function popRm(c: CpuState, i: Insn): void {
  const esp = c.regs[4]!;
  const v = c.rd(i.size, esp);
  const next = (esp + i.size) | 0;
  if (i.isMem) {
    c.regs[4] = next;
    try {
      c.wr(i.size, ea(c, i), v);
    } catch (e) {
      c.regs[4] = esp;
      throw e;
    }
  } else {
    c.regs[4] = next;
    c.setR(i.size, i.rm, v);
  }
}

/** PUSHAD / PUSHA (60). */
export function pushad(c: CpuState, i: Insn): void {
  const s = i.size, esp = c.regs[4]!, base = (esp - 8 * s) | 0;
  c.mem.checkWrite(base, 8 * s);
  for (let r = 0; r < 8; r++) {
    const v = r === 4 ? esp : c.regs[r]!;
    c.wr(s, (base + (7 - r) * s) | 0, v);
  }
  c.regs[4] = base;
}

/** POPAD / POPA (61). The stored ESP is skipped. */
export function popad(c: CpuState, i: Insn): void {
  const s = i.size, esp = c.regs[4]!;
  const vals = c.popadScratch;
  for (let r = 0; r < 8; r++) vals[r] = c.rd(s, (esp + (7 - r) * s) | 0);
  for (let r = 0; r < 8; r++) if (r !== 4) c.setR(s, r, vals[r]!);
  c.regs[4] = (esp + 8 * s) | 0;
}

/** PUSHFD / PUSHF (9C). */
export const pushf = (c: CpuState, i: Insn): void => push(c, i.size, c.eflags);

/** POPFD / POPF (9D): arithmetic flags, DF and the virtual IF. */
export function popf(c: CpuState, i: Insn): void {
  const esp = c.regs[4]!;
  let v = c.rd(i.size, esp);
  if (i.size === 2) v = (v & 0xffff) | (c.eflags & ~0xffff);
  c.regs[4] = (esp + i.size) | 0;
  c.eflags = v;
}

/** CMOVcc reg, r/m (0F 40-4F). The source is read even when the condition is false. */
export function cmov(c: CpuState, i: Insn): void {
  const v = readRM(c, i);
  if (c.cond(i.sub)) c.setR(i.size, i.reg, v);
}

/** SETcc r/m8 (0F 90-9F). */
export const setcc = (c: CpuState, i: Insn): void => writeRM(c, i, c.cond(i.sub) ? 1 : 0);

/** XADD r/m, reg (0F C0, C1). */
export function xadd(c: CpuState, i: Insn): void {
  const size = i.size, s = c.getR(size, i.reg);
  const a = i.isMem ? ea(c, i) : 0;
  const d = i.isMem ? c.rd(size, a) : c.getR(size, i.rm);
  const r = (d + s) & maskOf(size);
  if (i.isMem) c.wr(size, a, r);
  c.setR(size, i.reg, d);
  if (!i.isMem) c.setR(size, i.rm, r);
  c.setAdd(d, s, r, size << 3);
}

/** CMPXCHG r/m, reg (0F B0, B1). Memory is always written (with itself when unequal). */
export function cmpxchg(c: CpuState, i: Insn): void {
  const size = i.size, m = maskOf(size);
  const a = i.isMem ? ea(c, i) : 0;
  const d = i.isMem ? c.rd(size, a) : c.getR(size, i.rm);
  const acc = c.getR(size, 0);
  const eq = (acc & m) === (d & m);
  const nv = eq ? c.getR(size, i.reg) : d;
  if (i.isMem) c.wr(size, a, nv);
  else c.setR(size, i.rm, nv);
  if (!eq) c.setR(size, 0, d);
  c.setSub(acc, d, (acc - d) & m, size << 3);
}

/** CMPXCHG8B m64 (0F C7 /1): only ZF changes. */
export function cmpxchg8b(c: CpuState, i: Insn): void {
  if (!i.isMem) c.raise("invalid-opcode", "CMPXCHG8B with a register operand");
  const a = ea(c, i);
  const lo = c.mem.read32(a), hi = c.mem.read32((a + 4) | 0);
  const regs = c.regs;
  const eq = lo === regs[0] && hi === regs[2];
  c.mem.checkWrite(a, 8);
  if (eq) {
    c.mem.write32(a, regs[3]!);
    c.mem.write32((a + 4) | 0, regs[1]!);
  } else {
    c.mem.write32(a, lo);
    c.mem.write32((a + 4) | 0, hi);
    regs[0] = lo;
    regs[2] = hi;
  }
  c.materialize();
  c.fl = eq ? c.fl | FLAGS.ZF : c.fl & ~FLAGS.ZF;
}

/** ENTER imm16, imm8 (C8). */
export function enter(c: CpuState, i: Insn): void {
  const level = i.imm2 & 31, regs = c.regs;
  let esp = regs[4]!;
  let ebp = regs[5]!;
  esp = (esp - 4) | 0;
  c.mem.write32(esp, ebp);
  const frame = esp;
  if (level > 0) {
    for (let k = 1; k < level; k++) {
      ebp = (ebp - 4) | 0;
      const v = c.mem.read32(ebp);
      esp = (esp - 4) | 0;
      c.mem.write32(esp, v);
    }
    esp = (esp - 4) | 0;
    c.mem.write32(esp, frame);
  }
  regs[5] = frame;
  regs[4] = (esp - i.imm) | 0;
}

/** LEAVE (C9): ESP = EBP, then pop EBP. */
export function leave(c: CpuState, _i: Insn): void {
  const ebp = c.regs[5]!;
  const v = c.mem.read32(ebp);
  c.regs[4] = (ebp + 4) | 0;
  c.regs[5] = v;
}

/** LAHF (9F): AH = SF ZF 0 AF 0 PF 1 CF. */
export const lahf = (c: CpuState, _i: Insn): void => c.setR(1, 4, (c.arithFlags() & 0xd5) | 2);

/** SAHF (9E): SF ZF AF PF CF from AH. */
export function sahf(c: CpuState, _i: Insn): void {
  c.materialize();
  c.fl = (c.fl & ~0xd5) | (c.getR(1, 4) & 0xd5);
}

/** Flag instructions (`sub`): 0 CLC 1 STC 2 CMC 3 CLD 4 STD 5 CLI 6 STI. */
export function flagOp(c: CpuState, i: Insn): void {
  switch (i.sub) {
    case 0:
    case 1:
    case 2: {
      const cf = c.getCF();
      c.materialize();
      const n = i.sub === 0 ? 0 : i.sub === 1 ? 1 : cf ^ 1;
      c.fl = (c.fl & ~FLAGS.CF) | n;
      return;
    }
    case 3:
      c.fl &= ~FLAGS.DF;
      return;
    case 4:
      c.fl |= FLAGS.DF;
      return;
    default:
      c.vif = i.sub === 6;
  }
}
