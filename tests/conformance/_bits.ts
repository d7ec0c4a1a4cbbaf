/**
 * Generator groups for bit and exchange-and-compare instructions: BT BTS BTR BTC (register
 * offsets, including memory forms whose offset reaches outside the addressed word, and imm8),
 * BSF BSR (with zero sources now and then), BSWAP, XADD, CMPXCHG and CMPXCHG8B (with equal
 * comparands half the time), LOCK on their memory forms.
 *
 * @module
 */

import { AF, ARITH, CF, hex, OF, PF, SF, ZF } from "./layout.ts";
import {
  type Builder,
  EAX,
  EBX,
  ECX,
  EDX,
  type Fx,
  pickSize,
  prefixes,
  R32,
  reg32Of,
  regName,
} from "./_builder.ts";
import { destOrMem } from "./_alu.ts";
import { maybeSeed, memOp, pickReg, regOp, setMem, setReg, value } from "./_operands.ts";

/** BT*: CF is the bit, ZF unchanged, OF SF AF PF undefined. */
const BT_FX: Fx = { def: CF, undef: OF | SF | AF | PF };
const BT_NAMES = ["bt", "bts", "btr", "btc"] as const;

/** BT BTS BTR BTC: r/m, reg (0F A3/AB/B3/BB) and r/m, imm8 (0F BA /4-/7). */
export function genBitTest(b: Builder): void {
  const r = b.r;
  const size = pickSize(r, false);
  const op = r.below(4);
  const writes = op !== 0;
  const form = r.below(3); // 0: reg, reg  1: mem, reg  2: r/m, imm8
  if (form === 2) {
    const rm = destOrMem(b, size, writes, 0);
    const lock = writes && rm.mem && r.chance(0.3);
    const bit = r.chance(0.5) ? r.below(size * 8) : r.below(256);
    b.emit(
      [...prefixes(r, { size, lock, mem: rm.mem }), 0x0f, 0xba, ...rm.modrm(4 + op), bit],
      `${lock ? "lock " : ""}${BT_NAMES[op]} ${rm.text}, ${hex(bit)}`,
      BT_FX,
    );
    return;
  }
  const off = pickReg(b, size, form === 1);
  let rm;
  if (form === 0) {
    maybeSeed(b, off, size);
    rm = regOp(pickReg(b, size, writes), size);
  } else {
    rm = memOp(b, { size, reserve: 1 << reg32Of(off, size), area: "data", margin: 16 });
    setReg(b, off, size, r.range(-100, 100));
  }
  const lock = writes && rm.mem && r.chance(0.3);
  b.emit(
    [...prefixes(r, { size, lock, mem: rm.mem }), 0x0f, 0xa3 + op * 8, ...rm.modrm(off)],
    `${lock ? "lock " : ""}${BT_NAMES[op]} ${rm.text}, ${regName(off, size)}`,
    BT_FX,
  );
}

/** BSF BSR (0F BC/BD); the source is zero now and then (destination then stays unchanged). */
export function genBitScan(b: Builder): void {
  const r = b.r;
  const size = pickSize(r, false);
  const reverse = r.chance(0.5);
  const dst = pickReg(b, size, true);
  maybeSeed(b, dst, size);
  const src = destOrMem(b, size, false, 1 << reg32Of(dst, size));
  if (r.chance(0.15)) {
    if (src.mem) setMem(b, src.addr, size, 0);
    else if (b.writable(reg32Of(src.code, size))) setReg(b, src.code, size, 0);
  }
  b.emit(
    [...prefixes(r, { size, mem: src.mem }), 0x0f, reverse ? 0xbd : 0xbc, ...src.modrm(dst)],
    `${reverse ? "bsr" : "bsf"} ${regName(dst, size)}, ${src.text}`,
    { def: ZF, undef: CF | OF | SF | AF | PF },
  );
}

/** BSWAP r32 (0F C8+r). */
export function genBswap(b: Builder): void {
  const reg = pickReg(b, 4, true);
  maybeSeed(b, reg, 4);
  b.emit([0x0f, 0xc8 + reg], `bswap ${R32[reg]}`);
}

/** XADD (0F C0/C1) and CMPXCHG (0F B0/B1), LOCK on memory now and then. */
export function genExchangeOps(b: Builder): void {
  const r = b.r;
  const size = pickSize(r);
  const cmpxchg = r.chance(0.5);
  const src = pickReg(b, size, !cmpxchg);
  maybeSeed(b, src, size);
  const rm = destOrMem(b, size, true, (1 << reg32Of(src, size)) | (1 << EAX));
  if (cmpxchg && r.chance(0.5)) {
    // Make the comparison succeed: accumulator equal to the destination.
    const v = value(r, size);
    if (rm.mem) setMem(b, rm.addr, size, v);
    else setReg(b, rm.code, size, v);
    setReg(b, EAX, size, v);
  }
  const lock = rm.mem && r.chance(0.3);
  const opc = (cmpxchg ? 0xb0 : 0xc0) + (size === 1 ? 0 : 1);
  b.emit(
    [...prefixes(r, { size, lock, mem: rm.mem }), 0x0f, opc, ...rm.modrm(src)],
    `${lock ? "lock " : ""}${cmpxchg ? "cmpxchg" : "xadd"} ${rm.text}, ${regName(src, size)}`,
    { def: ARITH },
  );
}

/** CMPXCHG8B m64 (0F C7 /1), equal half the time. */
export function genCmpxchg8b(b: Builder): void {
  const r = b.r;
  const four = (1 << EAX) | (1 << ECX) | (1 << EDX) | (1 << EBX);
  const m = memOp(b, { size: 8, reserve: four });
  for (const reg of [EBX, ECX]) maybeSeed(b, reg, 4, 0.5);
  if (r.chance(0.5)) {
    const lo = value(r, 4), hi = value(r, 4);
    setMem(b, m.addr, 4, lo);
    setMem(b, m.addr + 4, 4, hi);
    setReg(b, EAX, 4, lo);
    setReg(b, EDX, 4, hi);
  }
  const lock = r.chance(0.3);
  b.emit(
    [...prefixes(r, { lock, mem: true }), 0x0f, 0xc7, ...m.modrm(1)],
    `${lock ? "lock " : ""}cmpxchg8b ${m.text}`,
    { def: ZF },
  );
}
