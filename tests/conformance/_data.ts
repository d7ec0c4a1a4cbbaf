/**
 * Generator groups for data movement: MOV in all its forms (88-8B, C6/C7, B0-BF, A0-A3 moffs),
 * MOVZX, MOVSX, LEA, XCHG (86/87, 90+r), CBW CWDE CWD CDQ, SETcc and CMOVcc.
 *
 * @module
 */

import { DATA_BASE, hex } from "./layout.ts";
import {
  type Builder,
  CC_NAMES,
  CC_READS,
  EAX,
  le,
  pickSize,
  prefixes,
  ptrName,
  reg32Of,
  regName,
} from "./_builder.ts";
import { destOrMem } from "./_alu.ts";
import { maybeSeed, memOp, pickReg, value } from "./_operands.ts";

/** MOV r/m,reg / reg,r/m / r/m,imm / reg,imm / moffs forms. */
export function genMov(b: Builder): void {
  const r = b.r;
  const size = pickSize(r);
  const w = size === 1 ? 0 : 1;
  const form = r.below(5);
  if (form <= 1) {
    const reg = pickReg(b, size, form === 1);
    maybeSeed(b, reg, size);
    const rm = destOrMem(b, size, form === 0, 1 << reg32Of(reg, size));
    const [d, s] = form === 0 ? [rm.text, regName(reg, size)] : [regName(reg, size), rm.text];
    b.emit(
      [...prefixes(r, { size, mem: rm.mem }), 0x88 + form * 2 + w, ...rm.modrm(reg)],
      `mov ${d}, ${s}`,
    );
  } else if (form === 2) {
    const rm = destOrMem(b, size, true, 0);
    const v = value(r, size);
    b.emit(
      [...prefixes(r, { size, mem: rm.mem }), 0xc6 + w, ...rm.modrm(0), ...le(v, size)],
      `mov ${rm.text}, ${hex(v)}`,
    );
  } else if (form === 3) {
    const reg = pickReg(b, size, true);
    const v = value(r, size);
    b.emit(
      [...prefixes(r, { size }), (size === 1 ? 0xb0 : 0xb8) + reg, ...le(v, size)],
      `mov ${regName(reg, size)}, ${hex(v)}`,
    );
  } else {
    const store = r.chance(0.5);
    const addr = DATA_BASE + r.below(0x1000 - 4);
    if (store) maybeSeed(b, EAX, size);
    const m = `${ptrName(size)} [${hex(addr)}]`, a = regName(EAX, size);
    b.emit(
      [...prefixes(r, { size, mem: true }), 0xa0 + (store ? 2 : 0) + w, ...le(addr, 4)],
      store ? `mov ${m}, ${a}` : `mov ${a}, ${m}`,
    );
  }
}

/** MOVZX and MOVSX (0F B6/B7/BE/BF) from bytes and words. */
export function genMovExtend(b: Builder): void {
  const r = b.r;
  const sx = r.chance(0.5);
  const fromWord = r.chance(0.4);
  const size = fromWord ? 4 : r.chance(0.5) ? 4 : 2;
  const srcSize = fromWord ? 2 : 1;
  const dst = pickReg(b, size, true);
  const src = destOrMem(b, srcSize, false, 0);
  b.emit(
    [
      ...prefixes(r, { size, mem: src.mem }),
      0x0f,
      (sx ? 0xbe : 0xb6) + (fromWord ? 1 : 0),
      ...src.modrm(dst),
    ],
    `${sx ? "movsx" : "movzx"} ${regName(dst, size)}, ${src.text}`,
  );
}

/** LEA r16/r32 (8D) in any addressing form; the address is computed, never accessed. */
export function genLea(b: Builder): void {
  const r = b.r;
  const size = pickSize(r, false);
  const dst = pickReg(b, size, true);
  const m = memOp(b, { size, noAccess: true });
  b.emit([...prefixes(r, { size }), 0x8d, ...m.modrm(dst)], `lea ${regName(dst, size)}, ${m.text}`);
}

/** XCHG r/m, reg (86/87) and XCHG eAX, reg (90+r). */
export function genXchg(b: Builder): void {
  const r = b.r;
  const size = pickSize(r);
  if (size !== 1 && r.chance(0.3)) {
    const reg = pickReg(b, size, true, 1 << EAX);
    maybeSeed(b, reg, size);
    b.emit(
      [...prefixes(r, { size }), 0x90 + reg],
      `xchg ${regName(EAX, size)}, ${regName(reg, size)}`,
    );
    return;
  }
  const reg = pickReg(b, size, true);
  maybeSeed(b, reg, size);
  const rm = destOrMem(b, size, true, 1 << reg32Of(reg, size));
  const lock = rm.mem && r.chance(0.3);
  b.emit(
    [...prefixes(r, { size, lock, mem: rm.mem }), size === 1 ? 0x86 : 0x87, ...rm.modrm(reg)],
    `${lock ? "lock " : ""}xchg ${rm.text}, ${regName(reg, size)}`,
  );
}

/** CBW, CWDE, CWD, CDQ. */
export function genConvert(b: Builder): void {
  const r = b.r;
  const k = r.below(4);
  maybeSeed(b, EAX, k % 2 === 0 ? 1 : 2, 0.5);
  const names = ["cbw", "cwde", "cwd", "cdq"];
  b.emit([...(k % 2 === 0 ? [0x66] : []), k < 2 ? 0x98 : 0x99], names[k]!);
}

/** SETcc r/m8 (0F 90+cc). */
export function genSetcc(b: Builder): void {
  const r = b.r;
  const cc = r.below(16);
  const rm = destOrMem(b, 1, true, 0);
  b.need(CC_READS[cc]!);
  b.emit(
    [...prefixes(r, { mem: rm.mem }), 0x0f, 0x90 + cc, ...rm.modrm(0)],
    `set${CC_NAMES[cc]} ${rm.text}`,
    { read: CC_READS[cc]! },
  );
}

/** CMOVcc r, r/m (0F 40+cc). */
export function genCmov(b: Builder): void {
  const r = b.r;
  const cc = r.below(16);
  const size = pickSize(r, false);
  const dst = pickReg(b, size, true);
  maybeSeed(b, dst, size);
  const src = destOrMem(b, size, false, 1 << reg32Of(dst, size));
  b.need(CC_READS[cc]!);
  b.emit(
    [...prefixes(r, { size, mem: src.mem }), 0x0f, 0x40 + cc, ...src.modrm(dst)],
    `cmov${CC_NAMES[cc]} ${regName(dst, size)}, ${src.text}`,
    { read: CC_READS[cc]! },
  );
}
