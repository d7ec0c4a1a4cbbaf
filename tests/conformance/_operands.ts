/**
 * Operands for the generator: random and edge values, register operands, and memory operands in
 * every 32-bit addressing form ([base], [base+disp8], [base+disp32], [disp32], SIB with
 * index*scale, ESP and EBP bases, no-base SIB) whose effective address lands where the generator
 * chose. The registers an address needs are loaded by MOVs emitted just before the instruction.
 *
 * @module
 */

import {
  type Builder,
  EBP,
  ESP,
  le,
  ptrName,
  R32,
  reg32Of,
  regName,
  sizeMask,
} from "./_builder.ts";
import { DATA_BASE, DATA_SIZE, hex as hexs, STACK_BASE } from "./layout.ts";
import type { Prng } from "./prng.ts";

/** An instruction operand: a register or a memory location. */
export interface Operand {
  /** True for memory. */
  mem: boolean;
  /** The ModRM byte (plus SIB and displacement) with `reg` in the reg field. */
  modrm(reg: number): number[];
  /** Assembly text, with the size keyword for memory. */
  text: string;
  /** Guest address (memory operands). */
  addr: number;
  /** Register code (register operands). */
  code: number;
}

/** Values that break arithmetic: zero, one, all ones, sign boundaries, byte and word edges. */
const EDGE = [
  0,
  1,
  2,
  3,
  0xffffffff,
  0xfffffffe,
  0x7fffffff,
  0x80000000,
  0x80000001,
  0x7f,
  0x80,
  0x81,
  0xff,
  0x100,
  0x7fff,
  0x8000,
  0x8001,
  0xffff,
  0x10000,
  0xffff0000,
  0xffffff80,
  0xffffff7f,
  0xffff8000,
  0xffff7fff,
  0x55555555,
  0xaaaaaaaa,
  0x0f0f0f0f,
];

/** Shift and rotate counts around every operand size. */
export const COUNTS = [0, 1, 1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 64, 255];

/** A value for an operand of `size` bytes: often an edge value, otherwise random. */
export function value(r: Prng, size: number): number {
  const x = r.below(20);
  let v: number;
  if (x < 8) v = r.pick(EDGE);
  else if (x < 11) v = r.range(-8, 8);
  else v = r.u32();
  return (v & sizeMask(size)) >>> 0;
}

/** A register operand. */
export function regOp(code: number, size: number): Operand {
  return {
    mem: false,
    modrm: (reg) => [0xc0 | (reg << 3) | code],
    text: regName(code, size),
    addr: 0,
    code,
  };
}

/**
 * Picks a register code for an operand of `size`; with `write`, one the builder may write, and
 * never one in the `exclude` mask of 32-bit registers.
 */
export function pickReg(b: Builder, size: number, write: boolean, exclude = 0): number {
  const ok: number[] = [];
  for (let code = 0; code < 8; code++) {
    const r32 = reg32Of(code, size);
    if (exclude & (1 << r32)) continue;
    if (write && !b.writable(r32)) continue;
    ok.push(code);
  }
  return b.r.pick(ok);
}

/** Emits a MOV of `v` into register `code` of `size` (B0+r, B8+r, 66 B8+r). */
export function setReg(b: Builder, code: number, size: number, v: number): void {
  const m = sizeMask(size);
  v = (v & m) >>> 0;
  if (size === 1) b.emit([0xb0 | code, v], `mov ${regName(code, 1)}, ${hexs(v)}`);
  else if (size === 2) {
    b.emit([0x66, 0xb8 | code, ...le(v, 2)], `mov ${regName(code, 2)}, ${hexs(v)}`);
  } else b.emit([0xb8 | code, ...le(v, 4)], `mov ${R32[code]}, ${hexs(v)}`);
}

/** With probability `p`, loads an edge or random value into register `code` of `size`. */
export function maybeSeed(b: Builder, code: number, size: number, p = 0.35): void {
  if (b.writable(reg32Of(code, size)) && b.r.chance(p)) setReg(b, code, size, value(b.r, size));
}

/** Options of {@linkcode memOp}. */
export interface MemOptions {
  /** Bytes accessed at the address. */
  size: number;
  /** Size keyword in the text (defaults to `size`). */
  ptr?: number;
  /** Registers (mask) the address may not use, because the instruction sets them up itself. */
  reserve?: number;
  /** "data" keeps the address in the data page; "any" may also pick the stack near ESP. */
  area?: "data" | "any";
  /** Room needed on both sides of the address (bit offsets of BT reach beyond it). */
  margin?: number;
  /** Added to ESP when ESP is the base (POP r/m computes the address after popping). */
  espBias?: number;
  /** The operand is never accessed (LEA, NOP): any address, no setup MOVs. */
  noAccess?: boolean;
  /** Use exactly this address (page-fault cases) instead of choosing one. */
  at?: number;
}

/** Picks a target address for a memory operand. */
function pickAddress(b: Builder, o: MemOptions): number {
  const r = b.r;
  if ((o.area ?? "any") === "any" && r.chance(0.3)) {
    for (let i = 0; i < 10; i++) {
      const a = b.esp + r.range(-40, 40);
      if (a >= STACK_BASE && a + o.size <= DATA_BASE + DATA_SIZE && !b.isGuarded(a, o.size)) {
        return a;
      }
    }
  }
  const m = o.margin ?? 0;
  const lo = DATA_BASE + m, hi = STACK_BASE + 8 - o.size - m;
  let a = r.chance(0.1) ? STACK_BASE - r.range(1, 8) : r.range(lo, hi);
  if (r.chance(0.5)) a &= ~(Math.min(o.size, 4) - 1);
  return Math.max(lo, Math.min(hi, a));
}

/** Fits a displacement for a base register holding `known`: disp8 when it fits, else disp32. */
function fitDisp(disp: number): number {
  return disp >= -128 && disp <= 127 ? 1 : 2;
}

/**
 * A memory operand at an address chosen by the generator (in the data page or the stack near
 * ESP), in a random addressing form. Emits the MOVs that load its base and index registers.
 */
export function memOp(b: Builder, o: MemOptions): Operand {
  const r = b.r;
  const addr = o.at !== undefined ? o.at >>> 0 : o.noAccess ? r.u32() : pickAddress(b, o);
  const known = new Map<number, number>();
  known.set(ESP, (b.esp + (o.espBias ?? 0)) >>> 0);
  if (b.ebp !== null) known.set(EBP, b.ebp);
  const free: number[] = [];
  for (let reg = 0; reg < 8; reg++) {
    if (reg !== ESP && !known.has(reg) && b.writable(reg) && !((o.reserve ?? 0) & (1 << reg))) {
      free.push(reg);
    }
  }
  // Every register is usable with any value when the operand is not accessed.
  const any = o.noAccess ? [0, 1, 2, 3, 5, 6, 7] : free;
  const setups = new Map<number, number>();

  let mod: number, rm: number, sib: number | null = null, disp = 0;
  let baseReg = -1, indexReg = -1, scale = 0;
  const mode = free.length || o.noAccess ? r.weighted([1, 2, 2, 2, 5]) : r.pick([0, 4]);
  if (mode === 0) {
    mod = 0;
    rm = 5;
    disp = addr;
  } else if (mode < 4) {
    // [base], [base+disp8], [base+disp32]; EBP needs a displacement, ESP needs a SIB.
    const cands = [...any, ...(known.has(EBP) ? [EBP] : [])].filter((x) => mode !== 1 || x !== EBP);
    baseReg = r.pick(cands);
    mod = mode - 1;
    rm = baseReg;
    const k = known.get(baseReg);
    if (k !== undefined && !o.noAccess) {
      disp = (addr - k) | 0;
      mod = fitDisp(disp);
    } else {
      disp = mod === 0
        ? 0
        : mod === 1
        ? r.range(-128, 127)
        : r.chance(0.5)
        ? r.u32() | 0
        : r.range(-4096, 4096);
      setups.set(baseReg, (addr - disp) >>> 0);
    }
  } else {
    rm = 4;
    scale = r.below(4);
    const idxCands = [...any, ...(known.has(EBP) ? [EBP] : [])];
    indexReg = r.chance(0.2) ? -1 : r.pick(idxCands);
    const baseCands = [...any, ESP, ...(known.has(EBP) ? [EBP] : [])];
    baseReg = r.chance(0.15) ? -1 : r.pick(baseCands);
    mod = baseReg === -1 ? 0 : r.below(3);
    if (baseReg === EBP && mod === 0) mod = 1;
    const s = 1 << scale;
    // Index value: known, or small, or anything (the sum wraps modulo 2^32).
    let iv = 0;
    if (indexReg >= 0) {
      const k = known.get(indexReg);
      if (k !== undefined) iv = k;
      else if (indexReg !== baseReg) {
        iv = r.chance(0.2) ? r.u32() : r.range(-64, 64) >>> 0;
        setups.set(indexReg, iv);
      }
    }
    if (baseReg === -1) {
      disp = (addr - Math.imul(iv, s)) | 0;
    } else if (baseReg === indexReg) {
      // [reg+reg*s+disp]: the register holds v with v*(1+s) + disp = addr.
      const k = known.get(baseReg);
      if (k !== undefined && !o.noAccess) {
        disp = (addr - Math.imul(k, 1 + s)) | 0;
        mod = mod === 0 && disp === 0 ? 0 : fitDisp(disp);
      } else {
        if (mod === 0) mod = 1;
        const d0 = mod === 1 ? r.range(-128, 127 - s) : r.range(-4096, 4096);
        const v = Math.floor((addr - d0) / (1 + s));
        disp = addr - v * (1 + s);
        setups.set(baseReg, v >>> 0);
      }
    } else {
      const k = known.get(baseReg);
      if (k !== undefined && !o.noAccess) {
        disp = (addr - k - Math.imul(iv, s)) | 0;
        mod = mod === 0 && disp === 0 && baseReg !== EBP ? 0 : fitDisp(disp);
      } else {
        disp = mod === 0
          ? 0
          : mod === 1
          ? r.range(-128, 127)
          : r.chance(0.5)
          ? r.u32() | 0
          : r.range(-4096, 4096);
        setups.set(baseReg, (addr - disp - Math.imul(iv, s)) >>> 0);
      }
    }
    sib = (scale << 6) | ((indexReg < 0 ? 4 : indexReg) << 3) | (baseReg < 0 ? 5 : baseReg);
  }
  // A never-accessed operand (LEA, NOP) uses whatever the registers hold.
  if (!o.noAccess) { for (const [reg, v] of setups) setReg(b, reg, 4, v); }

  const dispBytes = mod === 1
    ? [disp & 0xff]
    : mod === 2 || (mod === 0 && (rm === 5 || (sib !== null && (sib & 7) === 5)))
    ? le(disp, 4)
    : [];
  const parts: string[] = [];
  if (baseReg >= 0) parts.push(R32[baseReg]!);
  if (indexReg >= 0) parts.push(`${R32[indexReg]}*${1 << scale}`);
  let text = parts.join("+");
  const d = dispBytes.length === 1 ? (disp << 24) >> 24 : disp | 0;
  if (dispBytes.length) {
    if (!parts.length) text = hexs(disp >>> 0);
    else text += d < 0 ? `-${hexs(-d)}` : `+${hexs(d)}`;
  }
  const ptr = o.ptr ?? o.size;
  return {
    mem: true,
    modrm: (reg) => [(mod << 6) | (reg << 3) | rm, ...(sib === null ? [] : [sib]), ...dispBytes],
    text: `${o.noAccess ? "" : ptrName(ptr) + " "}[${text}]`,
    addr,
    code: -1,
  };
}

/**
 * A register or memory operand of `size`. With `write`, a register operand is one the builder
 * may write. `memP` is the chance of memory.
 */
export function rmOp(
  b: Builder,
  size: number,
  write: boolean,
  mem: Omit<MemOptions, "size"> = {},
  memP = 0.5,
): Operand {
  if (b.r.chance(memP)) return memOp(b, { ...mem, size });
  return regOp(pickReg(b, size, write, mem.reserve ?? 0), size);
}

/** Emits a MOV of `v` to memory at absolute `addr` (C6 05, 66 C7 05, C7 05). */
export function setMem(b: Builder, addr: number, size: number, v: number): void {
  v = (v & sizeMask(size)) >>> 0;
  const opc = size === 1 ? [0xc6] : size === 2 ? [0x66, 0xc7] : [0xc7];
  b.emit(
    [...opc, 0x05, ...le(addr, 4), ...le(v, size)],
    `mov ${ptrName(size)} [${hexs(addr)}], ${hexs(v)}`,
  );
}
