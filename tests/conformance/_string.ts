/**
 * Generator group for string instructions: MOVS STOS LODS CMPS SCAS on bytes, words and dwords,
 * alone or with REP / REPE / REPNE, with small ECX and ESI/EDI in the data page (with room for
 * either direction of DF); some REP MOVS/STOS get up to 96 elements, and half of those MOVS
 * overlap their source by up to 12 bytes either way. Repeated compares get runs of equal elements so REPE goes on a while.
 *
 * @module
 */

import { ARITH, DATA_BASE } from "./layout.ts";
import { type Builder, EAX, ECX, EDI, ESI, prefixes } from "./_builder.ts";
import { setReg, value } from "./_operands.ts";

const OPS = [
  { name: "movs", opc: 0xa4, src: true, dst: true, cmp: false },
  { name: "stos", opc: 0xaa, src: false, dst: true, cmp: false },
  { name: "lods", opc: 0xac, src: true, dst: false, cmp: false },
  { name: "cmps", opc: 0xa6, src: true, dst: true, cmp: true },
  { name: "scas", opc: 0xae, src: false, dst: true, cmp: true },
] as const;

/** One string instruction with its pointers (and count) loaded just before it. */
export function genString(b: Builder): void {
  const r = b.r;
  const op = r.pick(OPS);
  const size = r.pick([1, 2, 4]);
  const rep = r.chance(0.5) ? 0xf3 : op.cmp && r.chance(0.3) ? 0xf2 : 0;
  // Longer REP MOVS/STOS runs (the CPU moves them in bulk), often overlapping for MOVS.
  const big = rep === 0xf3 && (op.name === "movs" || op.name === "stos") && r.chance(0.3);
  const n = big ? r.range(13, 96) : r.chance(0.1) ? 0 : r.range(1, 12);
  const si = DATA_BASE + (big ? r.range(0x200, 0xc00) : r.range(0x80, 0xf80));
  const di = !big
    ? DATA_BASE + r.range(0x80, 0xf80)
    : op.name === "movs" && r.chance(0.5)
    ? si + r.range(-12, 12)
    : DATA_BASE + r.range(0x200, 0xc00);
  if (op.src) setReg(b, ESI, 4, si);
  if (op.dst) setReg(b, EDI, 4, di);
  if (rep) setReg(b, ECX, 4, n);
  if (op.name === "stos" || op.name === "scas") setReg(b, EAX, size, value(r, size));
  if (op.cmp && rep && r.chance(0.7)) {
    // A run of equal elements around the pointers, in both directions (DF is not known here).
    const k = r.below(n + 1) * size;
    const v = op.name === "scas" ? null : r.u32();
    for (let i = -k; i < k; i++) {
      const byte = v === null ? 0 : (v >>> ((i & 3) * 8)) & 0xff;
      if (op.name === "cmps") {
        b.poke(si + i, byte, 1);
        b.poke(di + i, byte, 1);
      }
    }
    if (op.name === "scas") {
      const x = value(r, size);
      setReg(b, EAX, size, x);
      for (let i = -k; i < k; i += size) b.poke(di + i, x, size);
    }
  }
  const sfx = size === 1 ? "b" : size === 2 ? "w" : "d";
  const repName = rep === 0xf3 ? (op.cmp ? "repe " : "rep ") : rep === 0xf2 ? "repne " : "";
  const pre = prefixes(r, { size, mem: op.src });
  if (rep) pre.splice(r.below(pre.length + 1), 0, rep);
  b.emit([...pre, op.opc + (size === 1 ? 0 : 1)], `${repName}${op.name}${sfx}`, {
    def: op.cmp && !(rep && n === 0) ? ARITH : 0,
  });
}
