/**
 * Generator groups that move ESP: PUSH and POP (register, r/m, immediate; 16 and 32 bits, POP to
 * an ESP-based address), PUSHAD/POPAD, PUSHFD/POPFD (POPFD only of values the generator chose,
 * never TF or AC) and ENTER/LEAVE with nesting levels. The builder tracks ESP exactly.
 *
 * @module
 */

import { ARITH, DATA_BASE, DF, FIXED_BITS, hex } from "./layout.ts";
import { type Builder, EBP, ESP, le, prefixes, regName } from "./_builder.ts";
import { maybeSeed, memOp, pickReg, regOp, setReg, value } from "./_operands.ts";
import { genAlu } from "./_alu.ts";

/** PUSH and POP in their register, r/m and immediate forms. */
export function genPushPop(b: Builder): void {
  const r = b.r;
  const size = r.chance(0.8) ? 4 : 2;
  const p = prefixes(r, { size });
  let push = r.chance(0.5);
  if (push && !b.canPush(size)) push = false;
  if (!push && !b.canPop(size)) push = true;
  if (push && !b.canPush(size)) return genAlu(b);
  const form = r.below(push ? 3 : 2);
  if (push && form === 0) {
    const reg = r.below(8);
    maybeSeed(b, reg, size);
    b.emit([...p, 0x50 + reg], `push ${regName(reg, size)}`);
  } else if (push && form === 1) {
    const rm = r.chance(0.7) ? memOp(b, { size }) : regOp(r.below(8), size);
    b.emit([...prefixes(r, { size, mem: rm.mem }), 0xff, ...rm.modrm(6)], `push ${rm.text}`);
  } else if (push) {
    const short = r.chance(0.5);
    const v = value(r, short ? 1 : size);
    b.emit(
      [...p, short ? 0x6a : 0x68, ...le(v, short ? 1 : size)],
      `push ${hex(v)}${short ? " (sign-extended imm8)" : ""}`,
    );
  } else if (form === 0) {
    const reg = pickReg(b, size, true);
    b.emit([...p, 0x58 + reg], `pop ${regName(reg, size)}`);
  } else {
    const rm = r.chance(0.7)
      ? memOp(b, { size, espBias: size })
      : regOp(pickReg(b, size, true), size);
    b.emit([...prefixes(r, { size, mem: rm.mem }), 0x8f, ...rm.modrm(0)], `pop ${rm.text}`);
  }
  b.esp += push ? -size : size;
}

/** PUSHAD/POPAD (60/61) and their 16-bit forms. */
export function genPushAll(b: Builder): void {
  const r = b.r;
  const size = r.chance(0.8) ? 4 : 2;
  const n = size * 8;
  const canPop = b.canPop(n) && b.avoid === 1 << ESP;
  let push = r.chance(0.5);
  if (push && !b.canPush(n)) push = false;
  if (!push && !canPop) push = true;
  if (push && !b.canPush(n)) return genAlu(b);
  b.emit(
    [...prefixes(r, { size }), push ? 0x60 : 0x61],
    `${push ? "pusha" : "popa"}${size === 4 ? "d" : ""}`,
  );
  b.esp += push ? -n : n;
}

/** PUSHFD; POPFD of a chosen value; or PUSHFD, flip flags in memory, POPFD. */
export function genPushFlags(b: Builder): void {
  const r = b.r;
  const size = r.chance(0.8) ? 4 : 2;
  if (!b.canPush(size)) return genAlu(b);
  const p = prefixes(r, { size });
  const sfx = size === 4 ? "d" : "";
  const kind = r.below(3);
  if (kind === 0) {
    b.need(ARITH);
    b.emit([...p, 0x9c], `pushf${sfx}`, { read: ARITH });
    b.esp -= size;
    return;
  }
  const bits = r.u32() & (ARITH | DF);
  if (kind === 1) {
    const v = bits | FIXED_BITS;
    b.emit([...p, 0x68, ...le(v, size)], `push ${hex(v)}`);
  } else {
    b.need(ARITH);
    b.emit([...p, 0x9c], `pushf${sfx}`, { read: ARITH });
    b.emit([0x81, 0x34, 0x24, ...le(bits, 4)], `xor dword [esp], ${hex(bits)}`);
  }
  b.emit([...p, 0x9d], `popf${sfx}`, { def: ARITH });
}

/** ENTER size, level; a few instructions in the frame (EBP-based operands); LEAVE. */
export function genEnterLeave(b: Builder): void {
  const r = b.r;
  if (b.avoid !== 1 << ESP) return genAlu(b);
  if (r.chance(0.2)) {
    // LEAVE alone, from a frame pointer a little above ESP. (The subset has no 16-bit LEAVE.)
    const k = r.range(0, 32);
    if (!b.canPop(k + 4)) return genAlu(b);
    setReg(b, EBP, 4, b.esp + k);
    b.emit([0xc9], "leave");
    b.esp += k + 4;
    return;
  }
  const x = r.below(20);
  const imm8 = x < 8
    ? 0
    : x < 13
    ? 1
    : x < 18
    ? r.range(2, 4)
    : x < 19
    ? r.range(5, 31)
    : r.range(32, 255);
  const level = imm8 & 31;
  const frame = r.chance(0.6) ? r.pick([0, 1, 2, 3, 4, 8, 16, 0x20, 0x100]) : r.below(0x80);
  const pushed = 4 * (level >= 1 ? level + 1 : 1);
  if (!b.canPush(pushed + frame)) return genAlu(b);
  if (level > 1 || r.chance(0.3)) setReg(b, EBP, 4, DATA_BASE + r.range(0x100, 0xf00));
  b.emit([0xc8, ...le(frame, 2), imm8], `enter ${hex(frame)}, ${hex(imm8)}`);
  const frameTemp = b.esp - 4;
  b.esp -= pushed + frame;
  b.ebp = frameTemp;
  b.avoid |= 1 << EBP;
  b.fill(r.below(4));
  b.avoid &= ~(1 << EBP);
  b.ebp = null;
  b.emit([0xc9], "leave");
  b.esp = frameTemp + 4;
}
